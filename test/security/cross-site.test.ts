import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpClient, signedUp } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { assertStillHealthy } from './helpers.js';

describe('cross-site requests and sessions', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ settings: { TRUST_PROXY: 'loopback' } });
  });
  after(() => server.stop());

  test('cross-site POST with a foreign Origin is refused with 403', async () => {
    const alice = await signedUp(server);
    for (const path of ['/api/rooms', '/api/logout', '/api/me/password', '/api/uploads']) {
      const reply = await alice.post(path, { name: 'csrf' }, { origin: 'https://evil.example' });
      assert.equal(reply.status, 403, path);
      assert.equal(reply.body.error.code, 'FORBIDDEN_ORIGIN');
    }
    assert.equal((await alice.get('/api/me')).status, 200, 'still logged in');
    await assertStillHealthy(server);
  });

  test('cross-site POST announced by Sec-Fetch-Site or Origin: null is refused', async () => {
    const alice = await signedUp(server);
    assert.equal(
      (await alice.post('/api/rooms', { name: 'x1' }, { 'sec-fetch-site': 'cross-site' })).status,
      403,
    );
    assert.equal((await alice.post('/api/rooms', { name: 'x2' }, { origin: 'null' })).status, 403);
    await assertStillHealthy(server);
  });

  test('logout by GET (a link or image on another site) does nothing', async () => {
    const alice = await signedUp(server);
    assert.equal((await alice.get('/api/logout')).status, 404);
    assert.equal((await alice.get('/api/me')).status, 200);
    await assertStillHealthy(server);
  });

  test('cross-site WebSocket upgrade is refused with 403 before any socket exists', async () => {
    const alice = await signedUp(server);
    await assert.rejects(alice.socket(server.wsUrl, { origin: 'https://evil.example' }), /403/);
    await assert.rejects(alice.socket(server.wsUrl, { origin: 'http://127.0.0.1.evil.example' }), /403/);
    await assertStillHealthy(server);
  });

  test('session fixation: a session id planted before login is never the one used after', async () => {
    const attacker = new HttpClient(server.url);
    await attacker.get('/login');
    const victim = new HttpClient(server.url);
    const user = await signedUp(server);
    victim.cookie = 'natter.sid=s%3Aattacker-chosen-id.bad-signature';
    const login = await victim.login(user.user!.username, 'correct horse battery');
    assert.equal(login.status, 200);
    assert.ok(victim.cookie && !victim.cookie.includes('attacker-chosen-id'));
    // A second login also rotates the id.
    const before = victim.cookie;
    await victim.login(user.user!.username, 'correct horse battery');
    assert.notEqual(victim.cookie, before);
    await assertStillHealthy(server);
  });

  test('over TLS the session cookie is __Host- prefixed, Secure, HttpOnly, SameSite=Lax, and HSTS is sent', async () => {
    const client = new HttpClient(server.url);
    const reply = await client.post(
      '/api/register',
      { username: 'tlsuser', password: 'a long password' },
      { 'x-forwarded-proto': 'https' },
    );
    const cookie = reply.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^__Host-natter\.sid=/);
    for (const flag of [/;\s*Secure/i, /;\s*HttpOnly/i, /;\s*SameSite=Lax/i, /;\s*Path=\//i])
      assert.match(cookie, flag);
    assert.doesNotMatch(cookie, /Domain=/i);
    assert.match(reply.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
    const me = await client.get('/api/me', { 'x-forwarded-proto': 'https' });
    assert.equal(me.status, 200);
    const plain = await new HttpClient(server.url).get('/login');
    assert.equal(plain.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
    await assertStillHealthy(server);
  });

  test('a forged or tampered session cookie is ignored', async () => {
    const alice = await signedUp(server);
    const tampered = new HttpClient(server.url);
    tampered.cookie = alice.cookie!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal((await tampered.get('/api/me')).status, 401);
    await assert.rejects(tampered.socket(server.wsUrl), /401/);
    await assertStillHealthy(server);
  });
});
