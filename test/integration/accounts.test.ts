import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('accounts and sessions', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  test('a new user signs up, is logged in at once, and sees themselves at /api/me', async () => {
    const client = new HttpClient(server.url);
    const reply = await client.post('/api/register', {
      username: 'Zoë_b.c-1',
      password: 'long enough pw',
      avatar: 3,
    });
    assert.equal(reply.status, 201);
    assert.deepEqual(reply.body.user, {
      id: reply.body.user.id,
      username: 'Zoë_b.c-1',
      avatar: '/avatars/3.svg',
    });
    const me = await client.get('/api/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.username, 'Zoë_b.c-1');
  });

  test('usernames in any script are accepted; bad usernames and passwords get 400 VALIDATION', async () => {
    const client = new HttpClient(server.url);
    assert.equal(
      (await client.post('/api/register', { username: 'Дмитрий', password: 'пароль-пароль' })).status,
      201,
    );
    for (const body of [
      { username: 'a', password: 'long enough pw' },
      { username: 'x'.repeat(33), password: 'long enough pw' },
      { username: 'has space', password: 'long enough pw' },
      { username: '<script>', password: 'long enough pw' },
      { username: 'shortpw', password: 'seven77' },
      { username: 'longpw', password: 'x'.repeat(73) },
      { username: 'nopw' },
      { username: 42, password: 'long enough pw' },
    ]) {
      const reply = await new HttpClient(server.url).post('/api/register', body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.equal(reply.body.error.code, 'VALIDATION');
      assert.match(reply.body.error.message, /\w/);
    }
  });

  test('a username is taken whatever its case (409 USERNAME_TAKEN)', async () => {
    await new HttpClient(server.url).register('Carol', 'long enough pw');
    const reply = await new HttpClient(server.url).post('/api/register', {
      username: 'cAROL',
      password: 'other password',
    });
    assert.equal(reply.status, 409);
    assert.equal(reply.body.error.code, 'USERNAME_TAKEN');
  });

  test('an unknown user and a wrong password get the same 401 INVALID_CREDENTIALS', async () => {
    await new HttpClient(server.url).register('dave', 'right password');
    const wrong = await new HttpClient(server.url).login('dave', 'wrong password');
    const unknown = await new HttpClient(server.url).login('nobody-here', 'wrong password');
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
    assert.equal(wrong.body.error.code, 'INVALID_CREDENTIALS');
  });

  test('logging in issues a new session id and logs in case-insensitively', async () => {
    await new HttpClient(server.url).register('erin', 'right password');
    const client = new HttpClient(server.url);
    await client.get('/login');
    client.cookie = 'natter.sid=s%3Aplanted-by-attacker.invalid';
    const reply = await client.login('ERIN', 'right password');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.user.username, 'erin');
    assert.notEqual(client.cookie, 'natter.sid=s%3Aplanted-by-attacker.invalid');
    assert.equal((await client.get('/api/me')).status, 200);
  });

  test('logging in again ends the session it replaces', async () => {
    await new HttpClient(server.url).register('relogin', 'right password');
    const client = new HttpClient(server.url);
    assert.equal((await client.login('relogin', 'right password')).status, 200);
    const replaced = client.cookie;
    assert.equal((await client.login('relogin', 'right password')).status, 200);
    assert.notEqual(client.cookie, replaced);
    const stale = new HttpClient(server.url);
    stale.cookie = replaced;
    assert.equal((await stale.get('/api/me')).status, 401);
    assert.equal((await client.get('/api/me')).status, 200);
  });

  test('the session cookie is HttpOnly and SameSite=Lax, and not Secure over plain HTTP', async () => {
    const reply = await new HttpClient(server.url).post('/api/register', {
      username: 'frank',
      password: 'long enough pw',
    });
    const cookie = reply.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.doesNotMatch(cookie, /Secure/i);
  });

  test('logging out ends the session and closes that session’s sockets, not other sessions’', async () => {
    const tab = new HttpClient(server.url);
    await tab.register('gina', 'long enough pw');
    const otherDevice = new HttpClient(server.url);
    await otherDevice.login('gina', 'long enough pw');
    const socket = await tab.socket(server.wsUrl);
    const otherSocket = await otherDevice.socket(server.wsUrl);
    assert.equal((await tab.post('/api/logout')).status, 204);
    const closed = await socket.closed;
    assert.equal(closed.code, 4001);
    assert.equal((await tab.get('/api/me')).status, 401);
    assert.equal((await otherDevice.get('/api/me')).status, 200);
    otherSocket.send({ type: 'ping' });
    await otherSocket.next('pong');
    await otherSocket.close();
  });

  test('API calls without a session get 401 and pages redirect to /login', async () => {
    const anonymous = new HttpClient(server.url);
    for (const path of ['/api/me', '/api/users', '/api/rooms', '/api/rooms/1/messages']) {
      const reply = await anonymous.get(path);
      assert.equal(reply.status, 401, path);
      assert.equal(reply.body.error.code, 'UNAUTHENTICATED');
    }
    for (const path of ['/', '/rooms/1']) {
      const reply = await anonymous.get(path);
      assert.equal(reply.status, 302, path);
      assert.equal(reply.headers.get('location'), '/login');
    }
  });

  test('a malformed JSON body gets a JSON 400, not a crash', async () => {
    const reply = await new HttpClient(server.url).post('/api/login', '{"username": ', {
      'content-type': 'application/json',
    });
    assert.equal(reply.status, 400);
    assert.equal(typeof reply.body.error.code, 'string');
    assert.equal((await new HttpClient(server.url).get('/healthz')).status, 200);
  });
});

describe('login throttling', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ settings: { LOGIN_ATTEMPTS_PER_15MIN: 3 } });
  });
  after(() => server.stop());

  test('repeated logins for one username from one address get 429 with Retry-After', async () => {
    const client = new HttpClient(server.url);
    for (let i = 0; i < 3; i++) assert.equal((await client.login('victim', 'guess-guess')).status, 401);
    const blocked = await client.login('victim', 'guess-guess');
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  });
});

describe('trusted proxy', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ settings: { TRUST_PROXY: 'loopback' } });
  });
  after(() => server.stop());

  test('the cookie is Secure when the request came over TLS through a trusted proxy', async () => {
    const reply = await new HttpClient(server.url).post(
      '/api/register',
      { username: 'henry', password: 'long enough pw' },
      { 'x-forwarded-proto': 'https' },
    );
    assert.equal(reply.status, 201);
    assert.match(reply.headers.get('set-cookie') ?? '', /Secure/);
  });
});
