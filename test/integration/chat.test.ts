import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { type ChatSocket, HttpClient } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('live chat over /ws', () => {
  let server: TestServer;
  let alice: HttpClient;
  let bob: HttpClient;
  const general = { roomId: 1 };

  before(async () => {
    server = await startServer();
    alice = new HttpClient(server.url);
    bob = new HttpClient(server.url);
    await alice.register('alice', 'alice password');
    await bob.register('bob', 'bob password');
  });
  after(() => server.stop());

  async function subscribed(client: HttpClient, roomId = 1): Promise<ChatSocket> {
    const socket = await client.socket(server.wsUrl);
    await socket.subscribe(roomId);
    return socket;
  }

  test('two users chat both ways in a room; the sender gets an ack, the other a message', async () => {
    const a = await subscribed(alice);
    const b = await subscribed(bob);
    const sent = await a.say(general, 'hello bob');
    assert.equal(sent.text, 'hello bob');
    assert.equal(sent.roomId, 1);
    assert.equal(sent.toUserId, null);
    assert.equal(sent.attachment, null);
    assert.deepEqual(sent.from, alice.user);
    assert.match(sent.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const received = await b.next('message', (f) => f.message.id === sent.id);
    assert.deepEqual(received.message, sent);

    const reply = await b.say(general, 'hi alice');
    assert.equal((await a.next('message', (f) => f.message.id === reply.id)).message.text, 'hi alice');
    assert.equal(
      a.frames.some((f) => f.type === 'message' && f.message.id === sent.id),
      false,
      'the sending socket gets an ack, not its own message back',
    );
    await Promise.all([a.close(), b.close()]);
  });

  test('every tab of a user receives the room’s messages, including the sender’s other tabs', async () => {
    const tab1 = await subscribed(alice);
    const tab2 = await subscribed(alice);
    const sent = await tab1.say(general, 'from tab one');
    assert.equal((await tab2.next('message', (f) => f.message.id === sent.id)).message.text, 'from tab one');
    await Promise.all([tab1.close(), tab2.close()]);
  });

  test('re-sending the same clientId returns the first message and stores nothing new', async () => {
    const a = await subscribed(alice);
    const b = await subscribed(bob);
    const clientId = randomUUID();
    const first = await a.say(general, 'only once', clientId);
    const again = await a.say(general, 'only once', clientId);
    assert.deepEqual(again, first);
    const history = await alice.get('/api/rooms/1/messages?limit=100');
    assert.equal(
      history.body.messages.filter((m: { clientId: string }) => m.clientId === clientId).length,
      1,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(b.frames.filter((f) => f.type === 'message' && f.message.id === first.id).length, 1);
    await Promise.all([a.close(), b.close()]);
  });

  test('the same clientId sent twice at once is still stored once', async () => {
    const a = await subscribed(alice);
    const clientId = randomUUID();
    const frame = { type: 'send', clientId, roomId: 1, text: 'racing' };
    a.send(frame);
    a.send(frame);
    const first = await a.next('ack', (f) => f.clientId === clientId);
    const second = await a.next('ack', (f) => f.clientId === clientId);
    assert.equal(first.message.id, second.message.id);
    await a.close();
  });

  test('presence lists who is in the room and is pushed on every join and leave', async () => {
    const carol = new HttpClient(server.url);
    await carol.register('carol', 'carol password');
    const room = (await carol.post('/api/rooms', { name: 'presence test' })).body.room;
    const c = await carol.socket(server.wsUrl);
    const own = await c.subscribe(room.id);
    assert.deepEqual(
      own.online.map((u) => u.username),
      ['carol'],
    );
    const a = await alice.socket(server.wsUrl);
    const joined = await a.subscribe(room.id);
    assert.deepEqual(joined.online.map((u) => u.username).sort(), ['alice', 'carol']);
    const seenByCarol = await c.next('presence', (f) => f.online.length === 2);
    assert.equal(seenByCarol.roomId, room.id);
    assert.equal(
      (await carol.get('/api/rooms')).body.rooms.find((r: { id: number }) => r.id === room.id).online,
      2,
    );

    // A second tab of alice is not a new member; closing one of two tabs keeps her online.
    const a2 = await alice.socket(server.wsUrl);
    await a2.subscribe(room.id);
    await a2.close();
    await a.close();
    const left = await c.next('presence', (f) => f.online.length === 1);
    assert.deepEqual(
      left.online.map((u) => u.username),
      ['carol'],
    );
    assert.equal(
      c.frames.filter((f) => f.type === 'presence').length,
      0,
      'no presence frames for a second tab coming and going',
    );
    await c.close();
  });

  test('unsubscribing stops live messages for that room', async () => {
    const a = await subscribed(alice);
    const b = await subscribed(bob);
    b.send({ type: 'unsubscribe', roomId: 1 });
    await a.next('presence', (f) => !f.online.some((u) => u.id === bob.user!.id));
    const sent = await a.say(general, 'bob left');
    b.send({ type: 'ping' });
    await b.next('pong');
    assert.equal(
      b.frames.some((f) => f.type === 'message' && f.message.id === sent.id),
      false,
    );
    await Promise.all([a.close(), b.close()]);
  });

  test('bad frames get an error frame and the socket stays open', async () => {
    const a = await subscribed(alice);
    const cases: [unknown, string][] = [
      ['not json', 'BAD_FRAME'],
      ['[1,2,3]', 'BAD_FRAME'],
      ['null', 'BAD_FRAME'],
      [{ type: 'shout' }, 'BAD_FRAME'],
      [{ type: 'subscribe', roomId: 'one' }, 'BAD_FRAME'],
      [{ type: 'subscribe', roomId: 999999 }, 'ROOM_NOT_FOUND'],
      [{ type: 'send', roomId: 1, text: 'no client id' }, 'BAD_FRAME'],
      [{ type: 'send', clientId: 'x'.repeat(65), roomId: 1, text: 'long id' }, 'BAD_FRAME'],
      [{ type: 'send', clientId: 'c1', text: 'no target' }, 'BAD_FRAME'],
      [{ type: 'send', clientId: 'c2', roomId: 1, toUserId: 2, text: 'two targets' }, 'BAD_FRAME'],
      [{ type: 'send', clientId: 'c3', roomId: 1, text: '   ' }, 'VALIDATION'],
      [{ type: 'send', clientId: 'c4', roomId: 1, text: 'x'.repeat(4001) }, 'VALIDATION'],
      [{ type: 'send', clientId: 'c4e', roomId: 1, text: '😀'.repeat(4001) }, 'VALIDATION'],
      [{ type: 'send', clientId: 'c5', roomId: 424242, text: 'nowhere' }, 'ROOM_NOT_FOUND'],
    ];
    for (const [frame, code] of cases) {
      a.send(frame);
      const error = await a.next('error');
      assert.equal(error.code, code, JSON.stringify(frame).slice(0, 80));
      assert.match(error.message, /\w/);
    }
    const withId = { type: 'send', clientId: 'keep-me', roomId: 1, text: '' };
    a.send(withId);
    assert.equal((await a.next('error')).clientId, 'keep-me');
    a.ws.send(Buffer.from('binary'), { binary: true });
    assert.equal((await a.next('error')).code, 'BAD_FRAME');
    const ok = await a.say(general, 'x'.repeat(4000));
    assert.equal(ok.text.length, 4000);
    // The limit counts characters: 4,000 emoji are 8,000 UTF-16 units.
    const emoji = await a.say(general, '😀'.repeat(4000));
    assert.equal([...emoji.text].length, 4000);
    a.send({ type: 'ping' });
    await a.next('pong');
    await a.close();
  });

  test('a frame over 64 KiB closes the socket with 1009', async () => {
    const a = await alice.socket(server.wsUrl);
    a.send({ type: 'send', clientId: 'big', roomId: 1, text: 'x'.repeat(70 * 1024) });
    assert.equal((await a.closed).code, 1009);
  });

  test('message text is trimmed and emoji and any script survive the round trip', async () => {
    const a = await subscribed(alice);
    const text = '😀👩‍👩‍👧‍👦🇯🇵 Ünïcödé 中文 العربية \n second line';
    const sent = await a.say(general, `  ${text}  `);
    assert.equal(sent.text, text);
    const page = await alice.get(`/api/rooms/1/messages?after=${sent.id - 1}&limit=1`);
    assert.equal(page.body.messages[0].text, text);
    await a.close();
  });

  test('the upgrade is refused with 401 without a valid session', async () => {
    await assert.rejects(new HttpClient(server.url).socket(server.wsUrl), /401/);
    const forged = new HttpClient(server.url);
    forged.cookie = 'natter.sid=s%3Aforged.signature';
    await assert.rejects(forged.socket(server.wsUrl), /401/);
  });

  test('the upgrade is refused with 403 from a foreign Origin, even with a valid session', async () => {
    await assert.rejects(alice.socket(server.wsUrl, { origin: 'https://evil.example' }), /403/);
    await assert.rejects(alice.socket(server.wsUrl, { origin: 'null' }), /403/);
    const sameSite = await alice.socket(server.wsUrl, { origin: server.url });
    await sameSite.close();
  });

  test('subscribers receive a room’s messages in id order under concurrent senders', async () => {
    const watcher = await subscribed(bob);
    const senders = await Promise.all([subscribed(alice), subscribed(alice), subscribed(alice)]);
    const perSender = 30;
    await Promise.all(
      senders.map(async (s, n) => {
        const acks = [];
        for (let i = 0; i < perSender; i++) acks.push(s.say(general, `s${n} m${i}`));
        await Promise.all(acks);
      }),
    );
    const total = senders.length * perSender;
    const deadline = Date.now() + 5000;
    const ids = () =>
      watcher.frames
        .filter((f) => f.type === 'message')
        .map((f) => (f as { message: { id: number } }).message.id);
    while (ids().length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const received = ids();
    assert.equal(received.length, total);
    assert.deepEqual(
      received,
      [...received].sort((x, y) => x - y),
    );
    await Promise.all([watcher.close(), ...senders.map((s) => s.close())]);
  });

  test('a dead socket is not a problem for the others', async () => {
    const a = await subscribed(alice);
    const raw = new WebSocket(server.wsUrl, { headers: { cookie: bob.cookie! } });
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send(JSON.stringify({ type: 'subscribe', roomId: 1 }));
    raw.terminate();
    const sent = await a.say(general, 'still fine');
    assert.equal(sent.text, 'still fine');
    await a.close();
  });
});
