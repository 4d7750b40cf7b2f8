import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpClient, signedUp } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { assertStillHealthy } from './helpers.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('authentication attacks', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      settings: {
        TRUST_PROXY: 'loopback',
        BCRYPT_ROUNDS: 8,
        LOGIN_ATTEMPTS_PER_15MIN: 5,
        LOGIN_ATTEMPTS_PER_IP_PER_15MIN: 30,
        REGISTRATIONS_PER_IP_PER_HOUR: 1000,
      },
    });
  });
  after(() => server.stop());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  test('user enumeration by login: unknown user and wrong password answer alike and take about as long', async () => {
    const victim = await signedUp(server, 'enumvictim');
    const time = async (username: string, ip: string) => {
      const started = performance.now();
      const reply = await new HttpClient(server.url).post(
        '/api/login',
        { username, password: 'wrong guess' },
        from(ip),
      );
      return { ms: performance.now() - started, reply };
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await time(victim.user!.username, `10.1.0.${i}`);
      const b = await time(`nobody${i}`, `10.2.0.${i}`);
      assert.deepEqual([a.reply.status, a.reply.body], [b.reply.status, b.reply.body]);
      wrong.push(a.ms);
      unknown.push(b.ms);
    }
    const ratio = median(unknown) / median(wrong);
    assert.ok(ratio > 0.5 && ratio < 2, `timing ratio ${ratio.toFixed(2)}`);
    await assertStillHealthy(server);
  });

  test('brute force on one account from one address is stopped with 429 and Retry-After', async () => {
    const victim = await signedUp(server, 'brutevictim');
    const statuses = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (
          await new HttpClient(server.url).post(
            '/api/login',
            { username: 'brutevictim', password: `guess${i}xx` },
            from('10.9.9.9'),
          )
        ).status,
      );
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
    const blocked = await new HttpClient(server.url).post(
      '/api/login',
      { username: 'brutevictim', password: 'correct horse battery' },
      from('10.9.9.9'),
    );
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    assert.match(blocked.body.error.message, /^Too many attempts; try again in 1[45] minutes\.$/);
    // The attacker cannot lock the victim out: from the victim's own address, login works.
    const own = await new HttpClient(server.url).post(
      '/api/login',
      { username: victim.user!.username, password: 'correct horse battery' },
      from('10.7.7.7'),
    );
    assert.equal(own.status, 200);
    await assertStillHealthy(server);
  });

  test('password spraying across many usernames from one address is stopped per address', async () => {
    const statuses = [];
    for (let i = 0; i < 32; i++) {
      statuses.push(
        (
          await new HttpClient(server.url).post(
            '/api/login',
            { username: `spray${i}`, password: 'Summer2026!' },
            from('10.8.8.8'),
          )
        ).status,
      );
    }
    assert.ok(statuses.includes(429), 'the address is throttled');
    assert.equal(statuses.filter((s) => s === 401).length, 30);
    await assertStillHealthy(server);
  });

  test('common and username-equal passwords are refused at sign-up and at password change', async () => {
    for (const password of ['password', 'password123', '12345678', 'qwerty123', 'Iloveyou1']) {
      const reply = await new HttpClient(server.url).post('/api/register', {
        username: `weak${password.length}x`,
        password,
      });
      assert.equal(reply.status, 400, password);
    }
    const same = await new HttpClient(server.url).post('/api/register', {
      username: 'samesame',
      password: 'SameSame',
    });
    assert.equal(same.status, 400);
    const alice = await signedUp(server);
    const change = await alice.post('/api/me/password', {
      currentPassword: 'correct horse battery',
      newPassword: 'letmein1',
    });
    assert.equal(change.status, 400);
    await assertStillHealthy(server);
  });

  test('password change needs the current password and ends every other session and its sockets', async () => {
    const here = await signedUp(server, 'changer');
    const elsewhere = new HttpClient(server.url);
    assert.equal((await elsewhere.login('changer', 'correct horse battery')).status, 200);
    const otherSocket = await elsewhere.socket(server.wsUrl);
    const ownSocket = await here.socket(server.wsUrl);
    const wrong = await here.post('/api/me/password', {
      currentPassword: 'not it at all',
      newPassword: 'a brand new secret',
    });
    assert.equal(wrong.status, 401);
    const ok = await here.post('/api/me/password', {
      currentPassword: 'correct horse battery',
      newPassword: 'a brand new secret',
    });
    assert.equal(ok.status, 204);
    assert.equal((await otherSocket.closed).code, 4001);
    assert.equal((await elsewhere.get('/api/me')).status, 401);
    assert.equal((await here.get('/api/me')).status, 200, 'the session that changed it stays');
    ownSocket.send({ type: 'ping' });
    await ownSocket.next('pong');
    await ownSocket.close();
    assert.equal((await new HttpClient(server.url).login('changer', 'correct horse battery')).status, 401);
    assert.equal((await new HttpClient(server.url).login('changer', 'a brand new secret')).status, 200);
    await assertStillHealthy(server);
  });
});

describe('sign-up flood', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ settings: { REGISTRATIONS_PER_IP_PER_HOUR: 3, TRUST_PROXY: 'loopback' } });
  });
  after(() => server.stop());
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  test('mass account creation from one address is stopped with 429', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (
          await new HttpClient(server.url).post('/api/register', {
            username: `bot${i}`,
            password: 'a long password',
          })
        ).status,
      );
    assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
    const health = await new HttpClient(server.url).get('/healthz');
    assert.equal(health.status, 200);
  });

  test('refused sign-ups count toward the limit too, so names cannot be probed without end', async () => {
    const statuses = [];
    for (const [username, password] of [
      ['bot0', 'a long password'],
      ['shortpass', 'short'],
      ['x', 'a long password'],
      ['freshname', 'a long password'],
    ]) {
      const reply = await new HttpClient(server.url).post(
        '/api/register',
        { username, password },
        from('10.7.7.7'),
      );
      statuses.push(reply.status);
    }
    assert.deepEqual(statuses, [409, 400, 400, 429], 'refusals use up the address like sign-ups');
  });
});
