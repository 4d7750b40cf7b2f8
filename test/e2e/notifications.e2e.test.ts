// Notifications: toasts for private messages and mentions elsewhere, the unread total in the
// title (cleared in every tab when read), and desktop notifications while the tab is hidden.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { confirmed, inPage, openRoom, type Person, send, suite, waitInPage } from './support.js';

const declared = suite();

/** Replaces the Notification API with a recorder, and lets the test hide the tab (`__hidden`). */
const FAKE_DESKTOP = `
  const shown = [];
  window.__shown = shown;
  window.__permissionAsked = 0;
  class FakeNotification extends EventTarget {
    static permission = 'default';
    static async requestPermission() {
      window.__permissionAsked++;
      FakeNotification.permission = 'granted';
      return 'granted';
    }
    constructor(title, options = {}) {
      super();
      shown.push({ title, body: options.body, tag: options.tag });
      window.__lastNotification = this;
    }
    close() {}
  }
  window.Notification = FakeNotification;
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (window.__hidden ? 'hidden' : 'visible'),
  });
`;

async function roomId(page: Page, name: string): Promise<number> {
  const { rooms } = await (await page.request.get('/api/rooms')).json();
  return rooms.find((r: { name: string }) => r.name === name).id;
}

if (declared) {
  const { h, e2e } = declared;
  let alice: Person;
  let bob: Person;
  let general = 0;
  let random = 0;

  e2e(
    'a private message while I am in a room: a toast naming the sender, "(1)" in the title, cleared when read',
    async () => {
      alice = await h.person('alice');
      bob = await h.person('bob');
      general = await roomId(alice.page, 'General');
      random = await roomId(alice.page, 'Random');
      await openRoom(alice.page, general);
      const lobbyTab = await alice.page.context().newPage();
      h.watch(lobbyTab, 'alice lobby tab');
      await lobbyTab.goto('/');

      await bob.page.goto(`/dm/${alice.id}`);
      await send(bob.page, 'Lunch at noon?\nI found a new place');

      const toast = alice.page.getByRole('status').getByRole('link', { name: new RegExp(bob.username) });
      await assert.doesNotReject(toast.waitFor());
      assert.match((await toast.textContent()) ?? '', /Lunch at noon\?/);
      assert.doesNotMatch((await toast.textContent()) ?? '', /new place/, 'only the first line');
      assert.equal(await alice.page.title(), '(1) General · Natter');
      const badge = alice.page
        .getByRole('navigation', { name: 'People' })
        .getByRole('link', { name: bob.username });
      await assert.doesNotReject(badge.getByText('1 unread', { exact: true }).waitFor());
      await assert.doesNotReject(waitInPage(lobbyTab, "return document.title === '(1) Lobby · Natter'"));
      // The other tab's toast, held under the pointer so it cannot time out.
      const lobbyToast = lobbyTab.locator('.toast').filter({ hasText: 'Lunch at noon?' });
      await lobbyToast.hover();

      // The toast opens the conversation; reading it there clears the count in the other tab too,
      // and that tab's toast.
      await toast.click();
      await alice.page.waitForURL(`**/dm/${bob.id}`);
      await assert.doesNotReject(confirmed(alice.page, 'Lunch at noon?\nI found a new place').waitFor());
      assert.equal(await alice.page.title(), `${bob.username} · Natter`);
      await assert.doesNotReject(waitInPage(lobbyTab, "return document.title === 'Lobby · Natter'"));
      await assert.doesNotReject(lobbyToast.waitFor({ state: 'detached', timeout: 5000 }));
      await lobbyTab.close();
    },
  );

  e2e(
    'a mention in another room of mine shows a toast; other messages there only a badge; Esc closes',
    async () => {
      // Alice becomes a member of Random by opening it, then goes back to General.
      await openRoom(alice.page, random);
      await openRoom(alice.page, general);
      const helper = await h.helperPerson('carol');
      await helper.socket.say({ roomId: random }, 'Just chatting, nobody in particular');
      await helper.socket.say(
        { roomId: random },
        `Hey @${alice.username.toUpperCase()}, can you look at this?`,
      );
      await helper.socket.say(
        { roomId: random },
        `Not a mention: @${alice.username}x or mail@${alice.username}`,
      );

      const region = alice.page.getByRole('status').filter({ has: alice.page.locator('.toast') });
      const toast = region.getByRole('link', { name: /in #Random/ });
      await assert.doesNotReject(toast.waitFor());
      assert.match((await toast.textContent()) ?? '', /can you look at this\?/);
      const sidebarRandom = alice.page
        .getByRole('navigation', { name: 'Rooms' })
        .getByRole('link', { name: /Random/ });
      await assert.doesNotReject(sidebarRandom.getByText('3 unread', { exact: true }).waitFor());
      assert.equal(await alice.page.title(), '(3) General · Natter');
      assert.equal(await alice.page.locator('.toast').count(), 1, 'one toast: only the mention');

      await alice.page.keyboard.press('Escape');
      await assert.doesNotReject(toast.waitFor({ state: 'detached' }));
      // Reading Random clears the count (the page marks it read once its socket is up).
      await sidebarRandom.click();
      await alice.page.waitForURL(`**/rooms/${random}`);
      await assert.doesNotReject(confirmed(alice.page, 'Just chatting, nobody in particular').waitFor());
      for (let i = 0; i < 100; i++) {
        const { rooms } = await (await alice.page.request.get('/api/unread')).json();
        if (rooms.find((r: { roomId: number }) => r.roomId === random)?.unread === 0) break;
        await alice.page.waitForTimeout(50);
      }
      await alice.page.goto(`/rooms/${general}`);
      assert.equal(await alice.page.title(), 'General · Natter');
    },
  );

  e2e('toasts go away by themselves', async () => {
    await openRoom(alice.page, general);
    const helper = await h.helperPerson('dave');
    await helper.socket.say({ toUserId: alice.id }, 'Quick question');
    const toast = alice.page.locator('.toast').filter({ hasText: 'Quick question' });
    await assert.doesNotReject(toast.waitFor());
    await assert.doesNotReject(toast.waitFor({ state: 'detached', timeout: 9000 }));
  });

  e2e(
    'desktop notifications: asked only from the menu button, shown while the tab is hidden, a click opens the conversation',
    async () => {
      const page = await h.newPage('alice desktop');
      await page.context().addCookies(await alice.page.context().cookies());
      await page.addInitScript({ content: FAKE_DESKTOP });
      await page.goto(`/rooms/${general}`);
      await page.locator('#online-count').filter({ hasNotText: /^0$/ }).waitFor();
      assert.equal(await page.evaluate(inPage('return window.__permissionAsked')), 0, 'not asked on load');

      await page.getByRole('button', { name: /account menu/ }).click();
      await page.getByRole('button', { name: 'Enable desktop notifications' }).click();
      await assert.doesNotReject(
        page.getByRole('button', { name: 'Desktop notifications are on' }).waitFor(),
      );
      assert.equal(await page.evaluate(inPage('return window.__permissionAsked')), 1);
      await page.keyboard.press('Escape');

      await page.evaluate(
        inPage("window.__hidden = true; document.dispatchEvent(new Event('visibilitychange'));"),
      );
      await bob.page.goto(`/dm/${alice.id}`);
      await send(bob.page, 'Are you there?');
      await assert.doesNotReject(waitInPage(page, 'return window.__shown.length > 0'));
      const shown: { title: string; body: string; tag: string }[] = await page.evaluate(
        inPage('return window.__shown'),
      );
      assert.deepEqual(
        shown.map(({ title, body }) => ({ title, body })),
        [{ title: bob.username, body: 'Are you there?' }],
      );
      assert.match(shown[0]?.tag ?? '', /^natter-message-\d+$/);
      await page.evaluate(inPage("window.__lastNotification.dispatchEvent(new Event('click'))"));
      await page.waitForURL(`**/dm/${bob.id}`);
      await h.closeContext(page.context());
    },
  );
}
