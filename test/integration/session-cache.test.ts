import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';

// Sessions are kept in memory for a few seconds after each read. Every way a session
// ends must still take effect at once: each test reads the session first (so it is in
// memory), ends it, and then presents the very same cookie again.

const PASSWORD = 'correct horse battery';

/** A second client that sends the given client's current cookie, whatever happens to the first. */
function sameCookieAs(client: HttpClient): HttpClient {
  const copy = new HttpClient(client.baseUrl);
  copy.cookie = client.cookie;
  return copy;
}

describe('sessions kept in memory', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  test('a logged-out cookie is refused at once by the API, the pages and the WebSocket', async () => {
    const tab = new HttpClient(server.url);
    await tab.register('logout-now', PASSWORD);
    const stolen = sameCookieAs(tab);
    assert.equal((await stolen.get('/api/me')).status, 200);
    assert.equal((await stolen.get('/')).status, 200);
    assert.equal((await tab.post('/api/logout')).status, 204);
    assert.equal((await stolen.get('/api/me')).status, 401);
    const page = await stolen.get('/');
    assert.equal(page.status, 302);
    assert.equal(page.headers.get('location'), '/login');
    await assert.rejects(stolen.socket(server.wsUrl), /401/);
  });

  test('a password change ends the other sessions at once, even ones just read', async () => {
    const here = new HttpClient(server.url);
    await here.register('bulk-end', PASSWORD);
    const devices = [new HttpClient(server.url), new HttpClient(server.url)];
    for (const device of devices) {
      assert.equal((await device.login('bulk-end', PASSWORD)).status, 200);
      assert.equal((await device.get('/api/me')).status, 200);
    }
    const change = await here.post('/api/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'a brand new secret',
    });
    assert.equal(change.status, 204);
    for (const device of devices) {
      assert.equal((await device.get('/api/me')).status, 401);
      assert.equal((await device.get('/rooms/1')).status, 302);
    }
    assert.equal((await here.get('/api/me')).status, 200, 'the session that changed it stays');
  });

  test('logging in again replaces the old session id at once', async () => {
    const client = new HttpClient(server.url);
    await client.register('relogin', PASSWORD);
    const before = sameCookieAs(client);
    assert.equal((await before.get('/api/me')).status, 200);
    assert.equal((await client.login('relogin', PASSWORD)).status, 200);
    assert.notEqual(client.cookie, before.cookie);
    assert.equal((await before.get('/api/me')).status, 401);
    assert.equal((await client.get('/api/me')).status, 200);
  });

  test('a session read over and over stays valid and answers the same user', async () => {
    const client = new HttpClient(server.url);
    const user = await client.register('steady', PASSWORD);
    for (let i = 0; i < 20; i++) assert.deepEqual((await client.get('/api/me')).body.user, user);
    const socket = await client.socket(server.wsUrl);
    socket.send({ type: 'ping' });
    await socket.next('pong');
    await socket.close();
  });
});
