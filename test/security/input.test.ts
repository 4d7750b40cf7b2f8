import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { HttpClient, signedUp } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { assertStillHealthy } from './helpers.js';

describe('hostile input', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      settings: {
        HTTP_HEADERS_TIMEOUT_MS: 1500,
        WS_MAX_CONNECTIONS_PER_USER: 3,
        WS_FRAMES_PER_SECOND: 20,
        WS_FRAME_BURST: 50,
      },
    });
  });
  after(() => server.stop());

  test('oversized WebSocket frame closes the socket with 1009', async () => {
    const alice = await signedUp(server);
    const socket = await alice.socket(server.wsUrl);
    socket.send('x'.repeat(65 * 1024));
    assert.equal((await socket.closed).code, 1009);
    await assertStillHealthy(server);
  });

  test('malformed frames (binary, broken JSON, wrong types, deep nesting) get errors and the socket lives', async () => {
    const alice = await signedUp(server);
    const socket = await alice.socket(server.wsUrl);
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    for (const frame of ['{"type":', '{"type":"send","roomId":[],"clientId":{}}', deep, '"\\ud800"']) {
      socket.send(frame);
      assert.equal((await socket.next('error')).code, 'BAD_FRAME');
    }
    socket.ws.send(Buffer.from([0xff, 0x00]), { binary: true });
    assert.equal((await socket.next('error')).code, 'BAD_FRAME');
    socket.send({ type: 'ping' });
    await socket.next('pong');
    await socket.close();
    await assertStillHealthy(server);
  });

  test('control characters and broken surrogates never reach the stored text or the pages', async () => {
    const alice = await signedUp(server);
    const socket = await alice.socket(server.wsUrl);
    const sent = await socket.say({ roomId: 1 }, 'nul\u0000byte\r\nesc\u001b[31m red\u0085 \ud800 tab\tend');
    assert.equal(sent.text, 'nulbyte\nesc[31m red \uFFFD tab\tend');
    const history = await alice.get('/api/rooms/1/messages');
    const stored = history.body.messages.find((m: { id: number }) => m.id === sent.id);
    assert.equal(stored.text, sent.text, 'the ack and the history agree');
    const page = await alice.get('/rooms/1', { accept: 'text/html' });
    assert.ok(page.text.includes('nulbyte'));
    for (const control of ['\u0000', '\u001b', '\u0085']) assert.ok(!page.text.includes(control));
    await socket.close();
  });

  test('oversized JSON body is refused with 413', async () => {
    const alice = await signedUp(server);
    const reply = await alice.post('/api/rooms', { name: 'x'.repeat(70 * 1024) });
    assert.equal(reply.status, 413);
    await assertStillHealthy(server);
  });

  test('malformed and mistyped JSON bodies get a 400 with a code, never a 500', async () => {
    const client = new HttpClient(server.url);
    for (const body of ['{', '[]', 'null', '"str"', '{"username":{"$gt":""},"password":[]}']) {
      const reply = await client.post('/api/login', body, { 'content-type': 'application/json' });
      assert.ok(reply.status === 400, `${body}: ${reply.status}`);
      assert.equal(typeof reply.body.error.code, 'string');
    }
    await assertStillHealthy(server);
  });

  test('prototype pollution through a JSON body (__proto__, constructor.prototype) is refused', async () => {
    const client = new HttpClient(server.url);
    for (const body of [
      '{"username":"pp","password":"a long password","__proto__":{"isAdmin":true}}',
      '{"username":"pp","password":"a long password","constructor":{"prototype":{"isAdmin":true}}}',
    ]) {
      const reply = await client.post('/api/register', body, { 'content-type': 'application/json' });
      assert.equal(reply.status, 400);
    }
    assert.equal(({} as { isAdmin?: boolean }).isAdmin, undefined);
    await assertStillHealthy(server);
  });

  test('prototype pollution through a WebSocket frame is refused', async () => {
    const alice = await signedUp(server);
    const socket = await alice.socket(server.wsUrl);
    socket.send('{"type":"ping","__proto__":{"polluted":true}}');
    assert.equal((await socket.next('error')).code, 'BAD_FRAME');
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
    await socket.close();
    await assertStillHealthy(server);
  });

  test('ReDoS: pathological names, texts and shortcodes are answered quickly', async () => {
    const alice = await signedUp(server);
    const started = performance.now();
    await alice.post('/api/rooms', { name: `${'a '.repeat(30)}\u0000` });
    await alice.post('/api/register', { username: `${'a'.repeat(5000)}!`, password: 'x'.repeat(60) });
    const socket = await alice.socket(server.wsUrl);
    await socket.say({ roomId: 1 }, `${':a'.repeat(1500)} ${'http://'.repeat(100)}`);
    await socket.close();
    assert.ok(performance.now() - started < 2000, `${Math.round(performance.now() - started)} ms`);
    await assertStillHealthy(server);
  });

  test('path traversal in static and upload URLs never reaches files outside their folders', async () => {
    const alice = await signedUp(server);
    for (const path of [
      '/css/..%2f..%2fpackage.json',
      '/js/..%2f..%2f..%2fpackage.json',
      '/avatars/%2e%2e/%2e%2e/README.md',
    ]) {
      const reply = await alice.get(path);
      assert.ok(reply.status === 404 || reply.status === 400, `${path}: ${reply.status}`);
      assert.ok(!reply.text.includes('"name": "natter"'));
    }
    const upload = await alice.get('/uploads/..%2f..%2fnatter.db');
    assert.equal(upload.status, 404);
    assert.match(upload.text, /File not found/);
    assert.doesNotMatch(upload.text, /pattern/);
    await assertStillHealthy(server);
  });

  test('slowloris: a client that never finishes its upgrade headers is cut off', async () => {
    const socket = net.connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    const started = Date.now();
    const closed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    socket.destroy();
    assert.ok(closed && Date.now() - started < 8000, 'closed by the server within its header timeout');
    assert.match(answer, /^HTTP\/1\.1 408/);
    await assertStillHealthy(server);
  });

  test('connection flood: one user cannot open more sockets than the cap', async () => {
    const alice = await signedUp(server);
    const sockets = [
      await alice.socket(server.wsUrl),
      await alice.socket(server.wsUrl),
      await alice.socket(server.wsUrl),
    ];
    await assert.rejects(alice.socket(server.wsUrl), /429/);
    await sockets[0]!.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await alice.socket(server.wsUrl);
    await Promise.all([again, ...sockets.slice(1)].map((s) => s.close()));
    await assertStillHealthy(server);
  });

  test('frame flood: a socket sending frames without pause is closed with 1008', async () => {
    const alice = await signedUp(server);
    const socket = await alice.socket(server.wsUrl);
    for (let i = 0; i < 500; i++) socket.send({ type: 'ping' });
    assert.equal((await socket.closed).code, 1008);
    const warnings = server.logs.records.filter(
      (r) => r.msg === 'frame flood; closing' && r.userId === alice.user!.id,
    );
    assert.equal(warnings.length, 1, 'one warning per socket, not one per frame');
    await assertStillHealthy(server);
  });
});
