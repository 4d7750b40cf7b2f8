import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';

const XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>';

describe('rooms', () => {
  let server: TestServer;
  let alice: HttpClient;
  before(async () => {
    server = await startServer();
    alice = new HttpClient(server.url);
    await alice.register('alice', 'alice password');
  });
  after(() => server.stop());

  test('a fresh install has default rooms with General first', async () => {
    const { rooms } = (await alice.get('/api/rooms')).body;
    assert.equal(rooms[0].name, 'General');
    assert.ok(rooms.length >= 3);
    for (const room of rooms) assert.deepEqual(Object.keys(room).sort(), ['id', 'name', 'online']);
  });

  test('any user creates a room; names are unique whatever their case', async () => {
    const created = await alice.post('/api/rooms', { name: '  Book   Club ' });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.room, { id: created.body.room.id, name: 'Book Club', online: 0 });
    const again = await alice.post('/api/rooms', { name: 'book club' });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'ROOM_EXISTS');
    const names = (await alice.get('/api/rooms')).body.rooms.map((r: { name: string }) => r.name);
    assert.ok(names.includes('Book Club'));
  });

  test('a room name must be 1–64 visible characters', async () => {
    for (const name of ['', '   ', 'x'.repeat(65), 'bell\u0007', 'nul\u0000x', 'zero\u200bwidth']) {
      const reply = await alice.post('/api/rooms', { name });
      assert.equal(reply.status, 400, JSON.stringify(name));
      assert.equal(reply.body.error.code, 'VALIDATION');
    }
    assert.equal((await alice.post('/api/rooms', {})).status, 400);
    assert.equal((await alice.post('/api/rooms', { name: '🎲 Board games' })).status, 201);
  });

  test('the lobby feed pushes online counts and new rooms to watching sockets', async () => {
    const watcher = await alice.socket(server.wsUrl);
    watcher.send({ type: 'subscribeLobby' });
    const first = await watcher.next('lobby');
    assert.equal(first.rooms[0]!.name, 'General');
    const bob = new HttpClient(server.url);
    await bob.register('bob', 'bob password');
    const b = await bob.socket(server.wsUrl);
    await b.subscribe(1);
    const counted = await watcher.next('lobby', (f) => f.rooms[0]!.online === 1);
    assert.equal(counted.rooms[0]!.id, 1);
    await bob.post('/api/rooms', { name: 'Freshly made' });
    await watcher.next('lobby', (f) => f.rooms.some((r) => r.name === 'Freshly made'));
    await Promise.all([watcher.close(), b.close()]);
  });
});

describe('pages', () => {
  let server: TestServer;
  let alice: HttpClient;
  before(async () => {
    server = await startServer();
    alice = new HttpClient(server.url);
    await alice.register('alice', 'alice password');
  });
  after(() => server.stop());

  test('login and register pages render for visitors; signed-in users are sent to the lobby', async () => {
    const visitor = new HttpClient(server.url);
    const login = await visitor.get('/login');
    assert.equal(login.status, 200);
    assert.match(login.text, /Log in/);
    assert.match((await visitor.get('/register')).text, /Sign up/);
    const redirected = await alice.get('/login');
    assert.equal(redirected.status, 302);
    assert.equal(redirected.headers.get('location'), '/');
  });

  test('the lobby and a room render for a signed-in user, with the newest messages', async () => {
    const socket = await alice.socket(server.wsUrl);
    await socket.say({ roomId: 1 }, 'visible in the page');
    await socket.close();
    const lobby = await alice.get('/');
    assert.equal(lobby.status, 200);
    assert.match(lobby.text, /General/);
    const room = await alice.get('/rooms/1');
    assert.equal(room.status, 200);
    assert.match(room.text, /visible in the page/);
    assert.match(room.text, /role="log"/);
  });

  test('a room that does not exist is a 404 page', async () => {
    const reply = await alice.get('/rooms/99999', { accept: 'text/html' });
    assert.equal(reply.status, 404);
    assert.match(reply.headers.get('content-type') ?? '', /html/);
  });

  test('XSS in message text and room names comes back verbatim in JSON and escaped in pages', async () => {
    const room = (await alice.post('/api/rooms', { name: XSS.slice(0, 64) })).body.room;
    assert.equal(room.name, XSS.slice(0, 64));
    const socket = await alice.socket(server.wsUrl);
    const sent = await socket.say({ roomId: room.id }, XSS);
    await socket.close();
    assert.equal(sent.text, XSS);
    const json = await alice.get(`/api/rooms/${room.id}/messages`);
    assert.equal(json.body.messages[0].text, XSS);
    for (const path of ['/', `/rooms/${room.id}`]) {
      const html = (await alice.get(path)).text;
      assert.doesNotMatch(html, /<img src=x/, path);
      assert.doesNotMatch(html, /<script>alert/, path);
      assert.match(html, /&lt;img src=x onerror=/, path);
    }
  });

  test('pages carry a strict Content-Security-Policy without inline script', async () => {
    const reply = await alice.get('/rooms/1');
    const csp = reply.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(reply.headers.get('x-content-type-options'), 'nosniff');
    assert.doesNotMatch(reply.text, /<script>(?!\s*<\/script>)/, 'no inline script blocks');
    assert.doesNotMatch(reply.text, /<[^>]*\son[a-z]+=/i, 'no inline event handlers');
    assert.doesNotMatch(reply.text, /<[^>]*\sstyle=/i, 'no inline style attributes');
  });

  test('state-changing requests from another site are refused with 403', async () => {
    const cross = await alice.post('/api/rooms', { name: 'csrf' }, { origin: 'https://evil.example' });
    assert.equal(cross.status, 403);
    const fetchSite = await alice.post('/api/rooms', { name: 'csrf2' }, { 'sec-fetch-site': 'cross-site' });
    assert.equal(fetchSite.status, 403);
    const sameSite = await alice.post('/api/rooms', { name: 'fine' }, { origin: server.url });
    assert.equal(sameSite.status, 201);
  });

  test('static assets are served and nothing comes from a CDN', async () => {
    const room = await alice.get('/rooms/1');
    const refs = [...room.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    for (const ref of refs) assert.ok(!/^(https?:)?\/\//.test(ref), `external reference ${ref}`);
    for (const ref of refs.filter((r) => /^\/(js|css|avatars|images)\//.test(r))) {
      assert.equal((await alice.get(ref)).status, 200, ref);
    }
  });
});
