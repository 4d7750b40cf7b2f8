// End-to-end: real Chromium against a real in-process Natter. Two browser contexts are two people.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { HttpClient } from '../helpers/client.js';
import { axeProblems, confirmed, inPage, messages, PASSWORD, send, suite, waitInPage } from './support.js';

const suffix = randomUUID().slice(0, 6);
const aliceName = `alice_${suffix}`;
const bobName = `bob_${suffix}`;

let alice: Page;
let bob: Page;
let generalId = 0;
let aliceId = 0;

// Bob has an account already; he will use the login form.
const declared = suite({
  setup: (h) => new HttpClient(h.server.url).register(bobName, PASSWORD).then(() => {}),
});

async function openGeneral(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('main').getByRole('link', { name: 'General' }).click();
  await page.waitForURL(/\/rooms\/\d+$/);
  assert.equal(await page.title(), 'General · Natter');
  generalId = Number(new URL(page.url()).pathname.split('/').pop());
}

if (declared) {
  const { h, e2e } = declared;
  const newPage = h.newPage.bind(h);
  const helperPerson = () => h.helperPerson();

  e2e('signing up with a taken username shows the server message in an alert', async () => {
    alice = await newPage('alice');
    await alice.goto('/register');
    await alice.getByRole('textbox', { name: 'Username' }).fill(bobName);
    await alice.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
    await alice.getByRole('button', { name: 'Sign up' }).click();
    await assert.doesNotReject(alice.getByRole('alert').getByText('That username is taken.').waitFor());
    assert.match(alice.url(), /\/register$/);
  });

  e2e('a new user signs up through the form, picks an avatar and lands in the lobby', async () => {
    await alice.goto('/register');
    await alice.getByRole('textbox', { name: 'Username' }).fill(aliceName);
    await alice.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
    const avatars = alice.getByRole('group', { name: 'Avatar' });
    await avatars.getByRole('radio', { name: 'Fox' }).check();
    await alice.getByRole('button', { name: 'Sign up' }).click();
    await alice.waitForURL((url) => url.pathname === '/');
    await assert.doesNotReject(alice.getByRole('heading', { name: `Hi, ${aliceName}` }).waitFor());
    aliceId = (await (await alice.request.get('/api/me')).json()).user.id;
    assert.equal(await alice.locator('.me .avatar').first().getAttribute('src'), '/avatars/2.svg');
  });

  e2e('an existing user logs in through the login form after a wrong password', async () => {
    bob = await newPage('bob');
    await bob.goto('/login');
    await bob.getByRole('textbox', { name: 'Username' }).fill(bobName);
    await bob.getByRole('textbox', { name: 'Password' }).fill('not the password');
    await bob.getByRole('button', { name: 'Log in' }).click();
    await assert.doesNotReject(bob.getByRole('alert').getByText('Wrong username or password.').waitFor());
    await bob.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
    await bob.getByRole('button', { name: 'Log in' }).click();
    await bob.waitForURL((url) => url.pathname === '/');
    await assert.doesNotReject(bob.getByRole('heading', { name: `Hi, ${bobName}` }).waitFor());
  });

  e2e('the lobby shows live online counts when someone joins a room', async () => {
    const card = bob.getByRole('main').getByRole('link', { name: 'General' });
    await assert.doesNotReject(card.getByText('0 online').waitFor());
    await openGeneral(alice);
    await assert.doesNotReject(card.getByText('1 online').waitFor());
  });

  e2e('two people in General each see the other’s messages, once, as they are sent', async () => {
    await openGeneral(bob);
    await assert.doesNotReject(alice.locator('#online-count').getByText('2', { exact: true }).waitFor());

    await send(alice, 'Hello Bob, are you there?');
    await assert.doesNotReject(confirmed(bob, 'Hello Bob, are you there?').waitFor());

    const box = bob.getByRole('textbox', { name: 'Message' });
    await box.fill('Yes! Read this: https://example.com/notes?id=1.');
    await bob.getByRole('button', { name: 'Send' }).click();
    const reply = confirmed(alice, 'Yes! Read this: https://example.com/notes?id=1.');
    await assert.doesNotReject(reply.waitFor());
    const link = reply.getByRole('link', { name: 'https://example.com/notes?id=1' });
    assert.equal(await link.getAttribute('href'), 'https://example.com/notes?id=1');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');

    // Shift+Enter is a new line, Enter sends; text stays text.
    const aliceBox = alice.getByRole('textbox', { name: 'Message' });
    await aliceBox.fill('line one');
    await aliceBox.press('Shift+Enter');
    await aliceBox.pressSequentially('<b>line two</b>');
    await aliceBox.press('Enter');
    const multi = confirmed(bob, 'line one\n<b>line two</b>');
    await assert.doesNotReject(multi.waitFor());
    assert.equal(await multi.locator('b').count(), 0);
    assert.equal(await aliceBox.inputValue(), '');

    // Empty and blank input is not sent.
    await aliceBox.fill('   ');
    await aliceBox.press('Enter');

    for (const page of [alice, bob]) {
      for (const text of ['Hello Bob, are you there?', 'line one\n<b>line two</b>']) {
        assert.equal(await confirmed(page, text).count(), 1, `exactly one "${text}"`);
      }
      assert.equal(await messages(page).locator('.msg--pending').count(), 0);
      assert.equal(await messages(page).locator('.msg').count(), 3);
    }
  });

  e2e('reloading the room keeps the history and renders it like the live messages', async () => {
    const live = await confirmed(alice, 'Yes! Read this: https://example.com/notes?id=1.').evaluate(
      (el) => el.outerHTML,
    );
    await alice.reload();
    const texts = await messages(alice).locator('.msg__text').allTextContents();
    assert.deepEqual(texts, [
      'Hello Bob, are you there?',
      'Yes! Read this: https://example.com/notes?id=1.',
      'line one\n<b>line two</b>',
    ]);
    const rendered = await confirmed(alice, 'Yes! Read this: https://example.com/notes?id=1.').evaluate(
      (el) => el.outerHTML,
    );
    assert.equal(rendered, live);
    assert.equal(await alice.getByRole('button', { name: 'Load more' }).isVisible(), false);
  });

  e2e('"Load more" shows older messages and keeps the reader’s place; new ones show a pill', async () => {
    const helper = await helperPerson();
    const room = await helper.http.post('/api/rooms', { name: `History ${suffix}` });
    assert.equal(room.status, 201);
    const roomId = room.body.room.id as number;
    for (let i = 1; i <= 60; i++) await helper.socket.say({ roomId }, `Message ${i}`);

    await alice.goto(`/rooms/${roomId}`);
    const log = messages(alice);
    await assert.doesNotReject(log.getByText('Message 60', { exact: true }).waitFor());
    assert.equal(await log.locator('.msg').count(), 50);
    const loadMore = alice.getByRole('button', { name: 'Load more' });
    await log.evaluate((el) => {
      el.scrollTop = 0;
    });
    await assert.doesNotReject(loadMore.waitFor());
    const anchor = log.getByText('Message 11', { exact: true });
    const before = await anchor.boundingBox();
    assert.ok(before);

    await loadMore.click();
    await assert.doesNotReject(log.getByText('Message 1', { exact: true }).waitFor({ state: 'attached' }));
    assert.equal(await log.locator('.msg').count(), 60);
    await assert.doesNotReject(loadMore.waitFor({ state: 'hidden' }));
    const afterLoad = await anchor.boundingBox();
    assert.ok(afterLoad);
    assert.ok(Math.abs(afterLoad.y - before.y) <= 3, `Message 11 moved from ${before.y} to ${afterLoad.y}`);
    assert.equal(await log.getAttribute('aria-busy'), null);

    // Reading older messages: a new one does not pull the reader down; a pill offers to.
    await helper.socket.say({ roomId }, 'Message 61');
    const pill = alice.getByRole('button', { name: 'New messages' });
    await assert.doesNotReject(pill.waitFor());
    const stayed = await anchor.boundingBox();
    assert.ok(stayed && Math.abs(stayed.y - before.y) <= 3, 'the reader was not moved');
    await pill.click();
    await assert.doesNotReject(pill.waitFor({ state: 'hidden' }));
    assert.ok(await log.getByText('Message 61', { exact: true }).isVisible());
  });

  e2e(
    'after the server restarts the room reconnects, catches up and delivers what was typed offline',
    async () => {
      await alice.goto(`/rooms/${generalId}`);
      await assert.doesNotReject(alice.locator('#online-count').getByText('2', { exact: true }).waitFor());
      const restarted = h.server.restart();
      const banner = alice.getByRole('status').filter({ hasText: 'Reconnecting' });
      await assert.doesNotReject(banner.waitFor());

      const box = alice.getByRole('textbox', { name: 'Message' });
      await box.fill('typed while offline');
      await box.press('Enter');
      await assert.doesNotReject(
        messages(alice).locator('.msg--pending').getByText('typed while offline').waitFor(),
      );

      h.server = await restarted;
      const helper = await helperPerson();
      await helper.socket.say({ roomId: generalId }, 'sent during the reconnect');

      for (const page of [alice, bob]) {
        await assert.doesNotReject(confirmed(page, 'typed while offline').waitFor({ timeout: 15_000 }));
        await assert.doesNotReject(confirmed(page, 'sent during the reconnect').waitFor({ timeout: 15_000 }));
      }
      await assert.doesNotReject(banner.waitFor({ state: 'hidden' }));
      for (const page of [alice, bob]) {
        assert.equal(await confirmed(page, 'typed while offline').count(), 1);
        assert.equal(await confirmed(page, 'sent during the reconnect').count(), 1);
        assert.equal(await messages(page).locator('.msg--pending').count(), 0);
      }
    },
  );

  e2e('creating a room from the lobby form lands in the new room; a taken name is refused', async () => {
    await alice.goto('/');
    const name = alice.getByRole('textbox', { name: 'Room name' });
    await name.fill('general');
    await alice.getByRole('button', { name: 'Create room' }).click();
    await assert.doesNotReject(alice.getByRole('alert').getByText('A room with that name exists.').waitFor());

    await name.fill(`Book club ${suffix}`);
    await alice.getByRole('button', { name: 'Create room' }).click();
    await alice.waitForURL(/\/rooms\/\d+$/);
    await assert.doesNotReject(
      alice.getByRole('heading', { level: 1, name: `Book club ${suffix}` }).waitFor(),
    );
    const current = alice.getByRole('navigation', { name: 'Rooms' }).locator('[aria-current="page"]');
    assert.match((await current.textContent()) ?? '', new RegExp(`Book club ${suffix}`));
    // Bob's sidebar learns about the new room without a reload.
    await assert.doesNotReject(
      bob
        .getByRole('navigation', { name: 'Rooms' })
        .getByRole('link', { name: `Book club ${suffix}` })
        .waitFor(),
    );
  });

  e2e('a private conversation shows unread badges, typing, and when the message was read', async () => {
    await bob.goto(`/rooms/${generalId}`);
    await alice.goto('/');
    await alice.getByRole('navigation', { name: 'People' }).getByRole('link', { name: bobName }).click();
    await alice.waitForURL(/\/dm\/\d+$/);
    assert.equal(await alice.title(), `${bobName} · Natter`);
    await send(alice, 'Psst, a private hello');
    await assert.doesNotReject(messages(alice).getByText('Delivered').waitFor());

    // Bob, in General, sees a badge on Alice's name, opens the conversation and reads it.
    const aliceLink = bob.getByRole('navigation', { name: 'People' }).getByRole('link', { name: aliceName });
    await assert.doesNotReject(aliceLink.getByText('1 unread', { exact: true }).waitFor());
    await aliceLink.click();
    await bob.waitForURL(/\/dm\/\d+$/);
    await assert.doesNotReject(confirmed(bob, 'Psst, a private hello').waitFor());
    await assert.doesNotReject(messages(alice).getByText('Read', { exact: true }).waitFor());

    await bob.getByRole('textbox', { name: 'Message' }).pressSequentially('typing a reply');
    await assert.doesNotReject(alice.getByText(`${bobName} is typing…`).waitFor());
    await bob.getByRole('textbox', { name: 'Message' }).press('Enter');
    await assert.doesNotReject(confirmed(alice, 'typing a reply').waitFor());
    await assert.doesNotReject(alice.getByText(`${bobName} is typing…`).waitFor({ state: 'hidden' }));
    // Private messages never show up in a room.
    await bob.goto(`/rooms/${generalId}`);
    assert.equal(await messages(bob).getByText('Psst, a private hello').count(), 0);
  });

  e2e(
    'the login, sign-up, lobby, room and private pages have no serious accessibility problems',
    async () => {
      const bobCookies = await bob.context().cookies();
      const problems: string[] = [];
      for (const colorScheme of ['light', 'dark'] as const) {
        const visitor = await newPage(`axe-${colorScheme}`, { colorScheme });
        const member = await newPage(`axe-member-${colorScheme}`, { colorScheme });
        await member.context().addCookies(bobCookies);
        const visits: [Page, string][] = [
          [visitor, '/login'],
          [visitor, '/register'],
          [member, '/'],
          [member, `/rooms/${generalId}`],
          [member, `/dm/${aliceId}`],
        ];
        for (const [page, url] of visits) {
          await page.goto(url);
          if (url.startsWith('/rooms/')) await confirmed(page, 'typed while offline').waitFor();
          if (url.startsWith('/dm/')) await confirmed(page, 'typing a reply').waitFor();
          for (const v of await axeProblems(page)) problems.push(`${colorScheme} ${url}: ${v}`);
        }
        await h.closeContext(visitor.context());
        await h.closeContext(member.context());
      }
      if (problems.length > 0) console.error(problems.join('\n'));
      assert.deepEqual(problems, []);
    },
  );

  e2e('logging out returns to the login page, in every tab of that session', async () => {
    const otherTab = await alice.context().newPage();
    h.watch(otherTab, 'alice tab 2');
    await otherTab.goto(`/rooms/${generalId}`);
    await assert.doesNotReject(confirmed(otherTab, 'typed while offline').waitFor());
    await alice.goto('/');
    // The logout's answer and the socket's 4001 close both ask for the login page. It is
    // held back 500 ms so that both arrive while it loads: it must be asked for once (a
    // second navigation would abort the first).
    let loginLoads = 0;
    const isLogin = (url: URL) => url.pathname === '/login';
    await alice.route(isLogin, async (route) => {
      loginLoads++;
      await new Promise((resolve) => setTimeout(resolve, 500));
      await route.continue().catch(() => {});
    });
    await alice.getByRole('button', { name: 'Log out' }).click();
    await alice.waitForURL(isLogin);
    assert.equal(loginLoads, 1, 'the login page is asked for once');
    await alice.unroute(isLogin);
    // The server closes the other tab's socket (4001); that tab goes to the login page too.
    await otherTab.waitForURL((url) => url.pathname === '/login');
    await alice.goto('/');
    assert.equal(new URL(alice.url()).pathname, '/login');
    // Bob is still signed in.
    await bob.reload();
    assert.notEqual(new URL(bob.url()).pathname, '/login');
  });

  e2e(
    'a failed logout keeps unsent messages; the session ending forgets them, whichever comes first',
    async () => {
      const { user } = await (await bob.request.get('/api/me')).json();
      const unsent = () =>
        bob.evaluate(
          inPage("return Object.keys(localStorage).filter((k) => k.startsWith('natter.unsent.'));"),
        );
      // Left over by an earlier page of another conversation (typed offline, never sent).
      await bob.evaluate(
        inPage(
          "localStorage.setItem(arg, JSON.stringify([{ clientId: 'left-over', text: 'Not sent yet', attachment: null }]));",
        ),
        `natter.unsent.${user.id}.d999999`,
      );
      const isLogout = (url: URL) => url.pathname === '/api/logout';
      const logOut = bob.getByRole('button', { name: 'Log out' });

      await bob.route(isLogout, (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: '{"error":{"code":"UNAVAILABLE","message":"down"}}',
        }),
      );
      await logOut.click();
      await assert.doesNotReject(
        waitInPage(bob, `return !document.querySelector('[data-action="logout"][aria-busy]');`),
      );
      assert.notEqual(new URL(bob.url()).pathname, '/login');
      assert.equal((await unsent()).length, 1, 'still logged in: kept');
      await bob.unroute(isLogout);

      // The server ends the session at once, but its answer is held back: the socket's 4001
      // close takes the page to the login page first.
      await bob.route(isLogout, async (route) => {
        const response = await route.fetch();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await route.fulfill({ response }).catch(() => {});
      });
      await logOut.click();
      await bob.waitForURL((url) => url.pathname === '/login');
      assert.deepEqual(await unsent(), [], 'nothing left for the next person');
      await bob.unroute(isLogout);
    },
  );
}
