// Never lose a message: offline typing, reconnect with catch-up, re-sending pending messages
// exactly once, automatic retry after RATE_LIMITED, and catching up after a 1013 close.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { HttpClient } from '../helpers/client.js';
import { confirmed, inPage, messages, openRoom, type Person, send, suite, waitInPage } from './support.js';

// Tight message limits (per person) so the rate-limit test can trip them.
const declared = suite({ settings: { MESSAGES_PER_SECOND: 2, MESSAGE_BURST: 3 } });

async function texts(page: Page, roomId: number): Promise<string[]> {
  const reply = await page.request.get(`/api/rooms/${roomId}/messages?limit=100`);
  const body = (await reply.json()) as { messages: { text: string }[] };
  return body.messages.map((m) => m.text);
}

if (declared) {
  const { h, e2e } = declared;
  /** Whether each page's new sockets are refused (see `socketGate`). */
  const gates = new WeakMap<Page, { blocked: boolean }>();

  /** Two new people in a new room, both with it open: each test starts from nothing another left. */
  async function twoInARoom(
    name: string,
    beforeOpening?: (alice: Person) => void,
  ): Promise<{ alice: Person; bob: Person; roomId: number }> {
    const alice = await h.person('alice');
    const bob = await h.person('bob');
    const reply = await alice.page.request.post('/api/rooms', {
      data: { name: `${name} ${randomUUID().slice(0, 6)}` },
    });
    assert.equal(reply.status(), 201, await reply.text());
    const roomId: number = (await reply.json()).room.id;
    beforeOpening?.(alice);
    await openRoom(alice.page, roomId);
    await openRoom(bob.page, roomId);
    return { alice, bob, roomId };
  }

  /** Lets a test refuse a page's new sockets and allow them again (the route is set once per page). */
  async function socketGate(page: Page): Promise<{ blocked: boolean }> {
    let gate = gates.get(page);
    if (!gate) {
      const created = { blocked: false };
      gates.set(page, created);
      await page.routeWebSocket(/\/ws$/, (ws) => (created.blocked ? ws.close() : ws.connectToServer()));
      gate = created;
    }
    return gate;
  }
  const UNSENT = "Object.entries(localStorage).filter(([key]) => key.startsWith('natter.unsent.'))";

  /** Cuts the server side of every socket of a person (the browser's socket may not notice by itself). */
  function dropSockets(userId: number, code?: number): void {
    for (const conn of h.server.natter.hub.all()) {
      if (conn.user.id !== userId) continue;
      if (code) conn.close(code, 'Test');
      else conn.ws.terminate();
    }
  }

  e2e('messages typed offline wait as pending and arrive exactly once, after what was missed', async () => {
    const { alice, bob, roomId } = await twoInARoom('Tunnel');
    await send(alice.page, 'Before the tunnel');

    await alice.page.context().setOffline(true);
    dropSockets(alice.id);
    const banner = alice.page.getByRole('status').filter({ hasText: 'Reconnecting' });
    await assert.doesNotReject(banner.waitFor());

    const box = alice.page.getByRole('textbox', { name: 'Message' });
    for (const text of ['Offline one', 'Offline two']) {
      await box.fill(text);
      await box.press('Enter');
    }
    const pending = messages(alice.page).locator('.msg--pending');
    await assert.doesNotReject(pending.filter({ hasText: 'Offline two' }).waitFor());
    assert.equal(await pending.count(), 2);
    await send(bob.page, 'Said while Alice was away');
    // Still offline: nothing went out.
    await alice.page.waitForTimeout(300);
    assert.equal(await pending.count(), 2);
    assert.equal(await confirmed(bob.page, 'Offline one').count(), 0);

    await alice.page.context().setOffline(false);
    for (const text of ['Offline one', 'Offline two']) {
      await assert.doesNotReject(confirmed(bob.page, text).waitFor({ timeout: 15_000 }));
    }
    await assert.doesNotReject(confirmed(alice.page, 'Said while Alice was away').waitFor());
    await assert.doesNotReject(banner.waitFor({ state: 'hidden' }));
    await assert.doesNotReject(pending.first().waitFor({ state: 'detached' }));

    const expected = ['Before the tunnel', 'Said while Alice was away', 'Offline one', 'Offline two'];
    assert.deepEqual(await texts(alice.page, roomId), expected, 'stored once each, in order');
    for (const page of [alice.page, bob.page]) {
      assert.deepEqual(await messages(page).locator('.msg__text').allTextContents(), expected);
    }
  });

  e2e(
    'messages refused with RATE_LIMITED stay pending and are sent again by themselves, in order',
    async () => {
      let rateLimited = 0;
      const { alice, bob, roomId } = await twoInARoom('Burst', (alice) =>
        alice.page.on('websocket', (ws) =>
          ws.on('framereceived', ({ payload }) => {
            if (String(payload).includes('"RATE_LIMITED"')) rateLimited++;
          }),
        ),
      );
      const box = alice.page.getByRole('textbox', { name: 'Message' });
      const burst = ['Burst 1', 'Burst 2', 'Burst 3', 'Burst 4', 'Burst 5', 'Burst 6', 'Burst 7'];
      for (const text of burst) {
        await box.fill(text);
        await box.press('Enter');
      }
      for (const text of burst) {
        await assert.doesNotReject(confirmed(bob.page, text).waitFor({ timeout: 20_000 }));
      }
      assert.ok(rateLimited > 0, 'the server refused some with RATE_LIMITED');
      assert.equal(await messages(alice.page).locator('.msg--failed').count(), 0, 'none marked failed');
      await assert.doesNotReject(
        messages(alice.page).locator('.msg--pending').first().waitFor({ state: 'detached' }),
      );
      assert.deepEqual(await texts(alice.page, roomId), burst);
    },
  );

  e2e('a socket closed as too slow (1013) reconnects and catches up', async () => {
    const { bob, roomId } = await twoInARoom('Slow');
    const helper = await h.helperPerson('carol');
    dropSockets(bob.id, 1013);
    await helper.socket.say({ roomId }, 'Sent while Bob was cut off');
    await assert.doesNotReject(
      confirmed(bob.page, 'Sent while Bob was cut off').waitFor({ timeout: 15_000 }),
    );
    assert.equal(await confirmed(bob.page, 'Sent while Bob was cut off').count(), 1);
  });

  e2e('a message typed while the socket is down survives leaving the page and arrives once', async () => {
    const { alice, bob, roomId } = await twoInARoom('Leaving');
    const { rooms } = await (await alice.page.request.get('/api/rooms')).json();
    const other = rooms.find((r: { id: number }) => r.id !== roomId).id;
    const gate = await socketGate(alice.page);
    gate.blocked = true;
    await alice.page.goto(`/rooms/${roomId}`);
    const banner = alice.page.getByRole('status').filter({ hasText: 'Reconnecting' });
    await assert.doesNotReject(banner.waitFor());
    const box = alice.page.getByRole('textbox', { name: 'Message' });
    await box.fill('Typed before leaving');
    await box.press('Enter');
    const pending = messages(alice.page).locator('.msg--pending');
    await assert.doesNotReject(pending.filter({ hasText: 'Typed before leaving' }).waitFor());

    // Off to another room before the socket is back, then back again.
    await alice.page.goto(`/rooms/${other}`);
    assert.equal(await messages(alice.page).getByText('Typed before leaving').count(), 0);
    gate.blocked = false;
    await openRoom(alice.page, roomId);
    await assert.doesNotReject(confirmed(bob.page, 'Typed before leaving').waitFor({ timeout: 15_000 }));
    await assert.doesNotReject(confirmed(alice.page, 'Typed before leaving').waitFor());
    assert.equal(await pending.count(), 0);
    const stored = (await texts(alice.page, roomId)).filter((t) => t === 'Typed before leaving');
    assert.equal(stored.length, 1, 'stored once');

    // Once stored it is not brought back again.
    await openRoom(alice.page, roomId);
    assert.equal(await confirmed(alice.page, 'Typed before leaving').count(), 1);
    assert.equal(await pending.count(), 0);

    // Closing the tab keeps it too: the next tab of this browser sends it.
    gate.blocked = true;
    dropSockets(alice.id);
    await assert.doesNotReject(banner.waitFor());
    await box.fill('Typed before closing the tab');
    await box.press('Enter');
    await assert.doesNotReject(pending.filter({ hasText: 'Typed before closing the tab' }).waitFor());
    const context = alice.page.context();
    await alice.page.close();
    alice.page = await context.newPage();
    h.watch(alice.page, 'alice');
    await openRoom(alice.page, roomId);
    await assert.doesNotReject(
      confirmed(bob.page, 'Typed before closing the tab').waitFor({ timeout: 15_000 }),
    );
    const again = (await texts(alice.page, roomId)).filter((t) => t === 'Typed before closing the tab');
    assert.equal(again.length, 1, 'stored once');
  });

  e2e(
    'an unsent message stored before its ack was lost is settled by catch-up; logging out forgets the rest',
    async () => {
      const { alice, roomId } = await twoInARoom('Settled');
      const gate = await socketGate(alice.page);
      const typeOffline = async (text: string) => {
        gate.blocked = true;
        dropSockets(alice.id);
        await assert.doesNotReject(
          alice.page.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor(),
        );
        const box = alice.page.getByRole('textbox', { name: 'Message' });
        await box.fill(text);
        await box.press('Enter');
        await assert.doesNotReject(
          messages(alice.page).locator('.msg--pending').filter({ hasText: text }).waitFor(),
        );
      };
      await typeOffline('Stored, ack lost');
      const [[, kept]] = await alice.page.evaluate(inPage(`return ${UNSENT};`));
      const [{ clientId }] = JSON.parse(kept);
      // The first send got through and only its ack was lost: the server has it under that client id.
      const http = new HttpClient(h.server.url);
      http.cookie = (await alice.page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const socket = await http.socket(h.server.wsUrl, { origin: h.server.url });
      try {
        await socket.say({ roomId }, 'Stored, ack lost', clientId);
      } finally {
        await socket.close();
      }

      gate.blocked = false;
      await assert.doesNotReject(confirmed(alice.page, 'Stored, ack lost').waitFor({ timeout: 15_000 }));
      await assert.doesNotReject(waitInPage(alice.page, `return ${UNSENT}.length === 0;`));
      const stored = (await texts(alice.page, roomId)).filter((t) => t === 'Stored, ack lost');
      assert.equal(stored.length, 1);

      await typeOffline('Never sent');
      assert.equal((await alice.page.evaluate(inPage(`return ${UNSENT};`))).length, 1);
      await alice.page.locator('[data-action="logout"]:visible').first().click();
      await alice.page.waitForURL('**/login');
      assert.deepEqual(
        await alice.page.evaluate(inPage(`return ${UNSENT};`)),
        [],
        'nothing left for the next person',
      );
    },
  );
}
