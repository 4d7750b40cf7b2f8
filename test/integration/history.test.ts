import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WireMessage } from '../../src/shared/wire.js';
import { HttpClient } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('history paging', () => {
  let server: TestServer;
  let alice: HttpClient;
  let roomId: number;
  let sent: WireMessage[];

  before(async () => {
    server = await startServer();
    alice = new HttpClient(server.url);
    await alice.register('alice', 'alice password');
    roomId = (await alice.post('/api/rooms', { name: 'history' })).body.room.id;
    const socket = await alice.socket(server.wsUrl);
    sent = await Promise.all(Array.from({ length: 250 }, (_, i) => socket.say({ roomId }, `message ${i}`)));
    await socket.close();
  });
  after(() => server.stop());

  const ids = (messages: WireMessage[]) => messages.map((m) => m.id);
  const page = (query: string) => alice.get(`/api/rooms/${roomId}/messages${query}`);

  test('250 sent messages get increasing ids in sending order', () => {
    const got = ids(sent);
    assert.deepEqual(
      got,
      [...got].sort((a, b) => a - b),
    );
    assert.deepEqual(
      sent.map((m) => m.text),
      Array.from({ length: 250 }, (_, i) => `message ${i}`),
    );
  });

  test('without parameters the newest 50 come back oldest→newest with hasMore', async () => {
    const reply = await page('');
    assert.equal(reply.status, 200);
    assert.deepEqual(ids(reply.body.messages), ids(sent.slice(-50)));
    assert.equal(reply.body.hasMore, true);
  });

  test('"Load more" with before walks back through every message exactly once', async () => {
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    for (;;) {
      const reply = await page(`?limit=40${before ? `&before=${before}` : ''}`);
      const got = ids(reply.body.messages);
      seen.unshift(...got);
      pages++;
      if (!reply.body.hasMore) break;
      before = got[0];
    }
    assert.equal(pages, Math.ceil(250 / 40));
    assert.deepEqual(seen, ids(sent));
  });

  test('catch-up with after returns the oldest messages after an id, page by page', async () => {
    const seen: number[] = [];
    let after = sent[99]!.id;
    for (;;) {
      const reply = await page(`?after=${after}&limit=100`);
      const got = ids(reply.body.messages);
      seen.push(...got);
      if (!reply.body.hasMore) break;
      after = got.at(-1)!;
    }
    assert.deepEqual(seen, ids(sent.slice(100)));
    const last = await page(`?after=${sent.at(-1)!.id}`);
    assert.deepEqual(last.body, { messages: [], hasMore: false });
  });

  test('a page holds limit messages, and limit is bounded 1..100', async () => {
    assert.equal((await page('?limit=1')).body.messages.length, 1);
    assert.equal((await page('?limit=100')).body.messages.length, 100);
    for (const bad of [
      '?limit=0',
      '?limit=101',
      '?limit=x',
      '?before=-1',
      '?after=1.5',
      '?before=0x10',
      '?before=5&before=6',
      '?limit=1e1',
      '?before=5&after=2',
    ]) {
      const reply = await page(bad);
      assert.equal(reply.status, 400, bad);
      assert.equal(reply.body.error.code, 'VALIDATION');
    }
  });

  test('history of a room that does not exist is 404 ROOM_NOT_FOUND', async () => {
    const reply = await alice.get('/api/rooms/987654/messages');
    assert.equal(reply.status, 404);
    assert.equal(reply.body.error.code, 'ROOM_NOT_FOUND');
    // An id written any other way than plain digits names no room either.
    for (const id of ['abc', '0x1', '1e0', '01', '0', '-1', '99999999999']) {
      const odd = await alice.get(`/api/rooms/${id}/messages`);
      assert.deepEqual([odd.status, odd.body.error.code], [404, 'ROOM_NOT_FOUND'], id);
    }
    const page = await alice.get('/rooms/abc', { accept: 'text/html' });
    assert.equal(page.status, 404);
    assert.match(page.text, /Room not found/);
    assert.doesNotMatch(page.text, /expected number|Invalid input/);
    const dm = await alice.get('/api/dm/1e0/messages');
    assert.deepEqual([dm.status, dm.body.error.code], [404, 'USER_NOT_FOUND']);
  });

  test('a restart keeps users, rooms, messages and sessions', async () => {
    const cookie = alice.cookie;
    server = await server.restart();
    alice = new HttpClient(server.url);
    alice.cookie = cookie;
    const me = await alice.get('/api/me');
    assert.equal(me.status, 200, 'the session survived the restart');
    const reply = await page('?limit=100');
    assert.deepEqual(ids(reply.body.messages), ids(sent.slice(-100)));
    const rooms = (await alice.get('/api/rooms')).body.rooms.map((r: { name: string }) => r.name);
    assert.ok(rooms.includes('history'));
    assert.equal(rooms[0], 'General');
    const socket = await alice.socket(server.wsUrl);
    const next = await socket.say({ roomId }, 'after restart');
    assert.ok(next.id > sent.at(-1)!.id);
    await socket.close();
  });
});
