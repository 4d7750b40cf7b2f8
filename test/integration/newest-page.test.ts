import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WireMessage } from '../../src/shared/wire.js';
import type { ChatSocket, HttpClient } from '../helpers/client.js';
import { signedUp } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';

// The newest page of a conversation is kept in memory (MessagesService, KeptByKey). Whoever
// reads it must still see every message stored before the read, and authors as they are now.
describe('the newest page of a conversation', () => {
  let server: TestServer;
  let alice: HttpClient;
  let bob: HttpClient;
  let bobSocket: ChatSocket;
  let roomId: number;

  before(async () => {
    server = await startServer();
    alice = await signedUp(server, 'alice');
    bob = await signedUp(server, 'bob');
    roomId = (await alice.post('/api/rooms', { name: 'kept' })).body.room.id;
    bobSocket = await bob.socket(server.wsUrl);
  });
  after(async () => {
    await bobSocket.close();
    await server.stop();
  });

  const newest = async (path: string): Promise<WireMessage[]> => {
    const reply = await alice.get(path);
    assert.equal(reply.status, 200);
    return reply.body.messages;
  };

  test('a room: every message acked before a read is in it, through the API and the room page', async () => {
    for (let i = 0; i < 20; i++) {
      await newest(`/api/rooms/${roomId}/messages`);
      const sent = await bobSocket.say({ roomId }, `room message ${i}`);
      const messages = await newest(`/api/rooms/${roomId}/messages`);
      assert.equal(messages.at(-1)?.id, sent.id, `message ${i} is the newest`);
    }
    const last = await bobSocket.say({ roomId }, 'seen on the page');
    const page = await alice.get(`/rooms/${roomId}`, { accept: 'text/html' });
    assert.match(page.text, new RegExp(`id="m-${last.id}"`));
    assert.match(page.text, /seen on the page/);
  });

  test('a private conversation: the same', async () => {
    const path = `/api/dm/${bob.user!.id}/messages`;
    for (let i = 0; i < 5; i++) {
      await newest(path);
      const sent = await bobSocket.say({ toUserId: alice.user!.id }, `private ${i}`);
      assert.equal((await newest(path)).at(-1)?.id, sent.id);
    }
  });

  test('reads at the same time as sends never keep an old page', async () => {
    const path = `/api/rooms/${roomId}/messages`;
    let last: WireMessage | undefined;
    const reads: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      reads.push(newest(path), newest(path));
      last = await bobSocket.say({ roomId }, `busy ${i}`);
    }
    await Promise.all(reads);
    assert.equal((await newest(path)).at(-1)?.id, last!.id);
  });

  test("a new picture shows on the author's messages at once", async () => {
    const path = `/api/rooms/${roomId}/messages`;
    const before = (await newest(path)).at(-1)!;
    assert.equal(before.from.id, bob.user!.id);
    const preset = before.from.avatar === '/avatars/3.svg' ? 4 : 3;
    const changed = await bob.request('PUT', '/api/me/avatar', { preset });
    assert.equal(changed.status, 200);
    const after = (await newest(path)).at(-1)!;
    assert.equal(after.id, before.id);
    assert.equal(after.from.avatar, `/avatars/${preset}.svg`);
  });

  // The pages render a kept page's messages once for every reader (views.ts partialOnce).
  test('the room and private pages show each new message and a new picture at once', async () => {
    const page = async (path: string) => (await alice.get(path, { accept: 'text/html' })).text;
    const bobsAvatars = (html: string) =>
      [
        ...html.matchAll(
          new RegExp(
            `data-user-id="${bob.user!.id}"[^>]*><img class="avatar msg__avatar" src="([^"]+)"`,
            'g',
          ),
        ),
      ].map((m) => m[1]);
    for (const [path, target] of [
      [`/rooms/${roomId}`, { roomId }],
      [`/dm/${bob.user!.id}`, { toUserId: alice.user!.id }],
    ] as const) {
      for (let i = 0; i < 3; i++) {
        await page(path);
        const sent = await bobSocket.say(target, `on the page ${i}`);
        assert.match(await page(path), new RegExp(`id="m-${sent.id}"[^>]*>.*on the page ${i}<`), path);
      }
      const shown = bobsAvatars(await page(path));
      assert.ok(shown.length >= 3, path);
      const preset = shown[0] === '/avatars/5.svg' ? 6 : 5;
      assert.equal((await bob.request('PUT', '/api/me/avatar', { preset })).status, 200);
      assert.deepEqual(new Set(bobsAvatars(await page(path))), new Set([`/avatars/${preset}.svg`]), path);
    }
  });
});
