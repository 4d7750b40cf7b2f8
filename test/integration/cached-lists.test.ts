import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type HttpClient, signedUp } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';

// The room list and the people list are read from the database once and then kept in
// memory: every change must show on the very next page and API answer.

describe('room and people lists kept in memory', () => {
  let server: TestServer;
  let alice: HttpClient;
  before(async () => {
    server = await startServer();
    alice = await signedUp(server, 'alice');
    // Both lists are now in memory.
    assert.equal((await alice.get('/')).status, 200);
  });
  after(() => server.stop());

  test('a new room is listed at once, in creation order', async () => {
    const created = (await alice.post('/api/rooms', { name: 'Just made' })).body.room;
    const rooms = (await alice.get('/api/rooms')).body.rooms as { id: number; name: string }[];
    assert.equal(rooms.at(-1)?.name, 'Just made');
    const ids = rooms.map((room) => room.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    for (const path of ['/', '/rooms/1']) {
      assert.match((await alice.get(path)).text, new RegExp(`href="/rooms/${created.id}"`), path);
    }
  });

  test('someone who signs up is listed at once, in username order', async () => {
    const zed = await signedUp(server, 'zed');
    const bob = await signedUp(server, 'Bob');
    const names = (await alice.get('/api/users')).body.users.map((u: { username: string }) => u.username);
    assert.deepEqual(names, ['alice', 'Bob', 'zed']);
    const lobby = (await alice.get('/')).text;
    assert.match(lobby, new RegExp(`href="/dm/${bob.user!.id}"`));
    assert.match(lobby, new RegExp(`href="/dm/${zed.user!.id}"`));
  });

  test('a new avatar shows at once in the people list', async () => {
    const carol = await signedUp(server, 'carol');
    await alice.get('/api/users');
    assert.equal((await carol.request('PUT', '/api/me/avatar', { preset: 11 })).status, 200);
    const listed = (await alice.get('/api/users')).body.users.find(
      (u: { id: number }) => u.id === carol.user!.id,
    );
    assert.equal(listed.avatar, '/avatars/11.svg');
    const lobby = (await alice.get('/')).text;
    const shown = [
      ...lobby.matchAll(
        new RegExp(
          `href="/dm/${carol.user!.id}"[^>]*><span class="avatar-wrap"><img class="avatar" src="([^"]+)"`,
          'g',
        ),
      ),
    ];
    assert.equal(shown.length, 2, 'in the sidebar and in the lobby');
    for (const [, src] of shown) assert.equal(src, '/avatars/11.svg');
  });
});
