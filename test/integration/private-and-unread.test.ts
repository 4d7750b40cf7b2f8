import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WireMessage } from '../../src/shared/wire.js';
import { HttpClient } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('private messages, unread state, presence, typing and receipts', () => {
  let server: TestServer;
  let alice: HttpClient;
  let bob: HttpClient;
  let carol: HttpClient;

  before(async () => {
    server = await startServer({ settings: { PRESENCE_GRACE_MS: 100 } });
    alice = new HttpClient(server.url);
    bob = new HttpClient(server.url);
    carol = new HttpClient(server.url);
    await alice.register('alice', 'alice password');
    await bob.register('bob', 'bob password');
    await carol.register('carol', 'carol password');
  });
  after(() => server.stop());

  const dmHistory = (client: HttpClient, peerId: number, query = '') =>
    client.get(`/api/dm/${peerId}/messages${query}`);

  test('a private message reaches every open socket of both people, whatever room they are in', async () => {
    const aliceInGeneral = await alice.socket(server.wsUrl);
    await aliceInGeneral.subscribe(1);
    const aliceOtherTab = await alice.socket(server.wsUrl);
    const bobInRandom = await bob.socket(server.wsUrl);
    await bobInRandom.subscribe(2);
    const bobLobby = await bob.socket(server.wsUrl);

    const sent = await aliceInGeneral.say({ toUserId: bob.user!.id }, 'psst, bob');
    assert.equal(sent.roomId, null);
    assert.equal(sent.toUserId, bob.user!.id);
    for (const socket of [bobInRandom, bobLobby, aliceOtherTab]) {
      const got = await socket.next('message', (f) => f.message.id === sent.id);
      assert.deepEqual(got.message, sent);
    }
    const carolSocket = await carol.socket(server.wsUrl);
    carolSocket.send({ type: 'ping' });
    await carolSocket.next('pong');
    assert.equal(
      carolSocket.frames.some((f) => f.type === 'message'),
      false,
    );
    await Promise.all(
      [aliceInGeneral, aliceOtherTab, bobInRandom, bobLobby, carolSocket].map((s) => s.close()),
    );
  });

  test('a private message to someone offline is stored and waiting, unread, when they come back', async () => {
    const a = await alice.socket(server.wsUrl);
    const sent = await a.say({ toUserId: carol.user!.id }, 'read this later');
    await a.close();
    const unread = (await carol.get('/api/unread')).body;
    assert.deepEqual(
      unread.dms.find((d: { userId: number }) => d.userId === alice.user!.id),
      { userId: alice.user!.id, unread: 1, lastReadId: 0 },
    );
    const history = await dmHistory(carol, alice.user!.id);
    assert.deepEqual(
      history.body.messages.map((m: { id: number }) => m.id),
      [sent.id],
    );
  });

  test('only the two people can read a conversation; others and absent users get 404, self gets 400', async () => {
    const a = await alice.socket(server.wsUrl);
    const secret = await a.say({ toUserId: bob.user!.id }, 'between us');
    // Carol can only ever address her own conversation with bob or alice.
    for (const peer of [alice.user!.id, bob.user!.id]) {
      const reply = await dmHistory(carol, peer, '?limit=100');
      assert.equal(reply.status, 200);
      assert.ok(!reply.body.messages.some((m: { id: number }) => m.id === secret.id));
    }
    const absent = await dmHistory(carol, 987654);
    assert.equal(absent.status, 404);
    assert.equal(absent.body.error.code, 'USER_NOT_FOUND');
    assert.equal((await dmHistory(carol, carol.user!.id)).status, 400);
    for (const room of (await carol.get('/api/rooms')).body.rooms) {
      const page = await carol.get(`/api/rooms/${room.id}/messages?limit=100`);
      assert.ok(!page.body.messages.some((m: { id: number }) => m.id === secret.id), 'not in any room');
    }

    const c = await carol.socket(server.wsUrl);
    c.send({ type: 'send', clientId: 'to-nobody', toUserId: 987654, text: 'hello?' });
    const error = await c.next('error');
    assert.deepEqual([error.code, error.clientId], ['USER_NOT_FOUND', 'to-nobody']);
    c.send({ type: 'send', clientId: 'to-me', toUserId: carol.user!.id, text: 'hello me' });
    assert.equal((await c.next('error')).code, 'DM_SELF');
    c.send({ type: 'read', toUserId: 987654, messageId: secret.id });
    assert.equal((await c.next('error')).code, 'USER_NOT_FOUND');
    await Promise.all([a.close(), c.close()]);
  });

  test('unread counts rise for members elsewhere and clear in every tab when read', async () => {
    const room = (await alice.post('/api/rooms', { name: 'Unread room' })).body.room;
    const tab1 = await bob.socket(server.wsUrl);
    await tab1.subscribe(room.id); // joining makes bob a member
    tab1.send({ type: 'unsubscribe', roomId: room.id });
    const tab2 = await bob.socket(server.wsUrl);
    const outsider = await carol.socket(server.wsUrl);

    const a = await alice.socket(server.wsUrl);
    const sent: WireMessage[] = [];
    for (const text of ['one', 'two', 'three']) sent.push(await a.say({ roomId: room.id }, text));
    for (const tab of [tab1, tab2]) await tab.next('notify', (f) => f.message.id === sent[2]!.id);
    const unreadOf = async () =>
      (await bob.get('/api/unread')).body.rooms.find((r: { roomId: number }) => r.roomId === room.id);
    assert.deepEqual(await unreadOf(), { roomId: room.id, unread: 3, lastReadId: 0 });
    assert.equal(
      (await alice.get('/api/unread')).body.rooms.find((r: any) => r.roomId === room.id).unread,
      0,
    );

    tab1.send({ type: 'read', roomId: room.id, messageId: sent[1]!.id });
    const cleared = await tab2.next('read', (f) => f.roomId === room.id);
    assert.equal(cleared.lastReadId, sent[1]!.id);
    assert.equal((await unreadOf()).unread, 1);
    tab2.send({ type: 'read', roomId: room.id, messageId: sent[0]!.id });
    await tab1.next('read', (f) => f.lastReadId === sent[0]!.id);
    assert.equal((await unreadOf()).lastReadId, sent[1]!.id, 'the read mark never moves back');
    // A mark past the room's newest message (made up, or a newer one of another room) is
    // refused: it would hide later messages from the count for good.
    const elsewhere = await a.say({ roomId: 1 }, 'in General');
    for (const messageId of [sent[2]!.id + 1000, elsewhere.id]) {
      tab1.send({ type: 'read', roomId: room.id, messageId });
      assert.equal((await tab1.next('error')).code, 'MESSAGE_NOT_FOUND');
    }
    assert.deepEqual(await unreadOf(), { roomId: room.id, unread: 1, lastReadId: sent[1]!.id });

    outsider.send({ type: 'ping' });
    await outsider.next('pong');
    assert.equal(
      outsider.frames.some((f) => f.type === 'notify'),
      false,
      'non-members are not notified',
    );
    await Promise.all([tab1, tab2, outsider, a].map((s) => s.close()));
  });

  test('presence: online while any tab is open, offline shortly after the last one closes', async () => {
    const watcher = await carol.socket(server.wsUrl);
    watcher.send({ type: 'subscribeLobby' });
    await watcher.next('lobby');
    const dave = new HttpClient(server.url);
    const user = await dave.register('dave', 'dave password');
    const online = async () =>
      (await carol.get('/api/users')).body.users.find((u: { id: number }) => u.id === user.id).online;
    assert.equal(await online(), false);
    const tab1 = await dave.socket(server.wsUrl);
    const tab2 = await dave.socket(server.wsUrl);
    assert.equal(await online(), true);
    await watcher.next('people', (f) => f.changes.some((c) => c.userId === user.id && c.online));
    await tab1.close();
    assert.equal(await online(), true);
    await tab2.close();
    await watcher.next('people', (f) => f.changes.some((c) => c.userId === user.id && !c.online), 5000);
    assert.equal(await online(), false);
    await watcher.close();
  });

  test('typing is forwarded to the others in the conversation, at most once a second', async () => {
    const a = await alice.socket(server.wsUrl);
    const b = await bob.socket(server.wsUrl);
    await a.subscribe(1);
    await b.subscribe(1);
    a.send({ type: 'typing', roomId: 1 });
    a.send({ type: 'typing', roomId: 1 });
    const typing = await b.next('typing');
    assert.deepEqual(typing, { type: 'typing', roomId: 1, user: alice.user });
    a.send({ type: 'typing', toUserId: bob.user!.id });
    const dmTyping = await b.next('typing', (f) => f.roomId === null);
    assert.equal(dmTyping.user.id, alice.user!.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(
      b.frames.filter((f) => f.type === 'typing').length,
      0,
      'the second room typing was throttled',
    );
    assert.equal(
      a.frames.some((f) => f.type === 'typing'),
      false,
    );
    await Promise.all([a.close(), b.close()]);
  });

  test('private messages go sent → delivered → read, live and after a reload', async () => {
    const erin = new HttpClient(server.url);
    const erinUser = await erin.register('erin', 'erin password');
    const a = await alice.socket(server.wsUrl);

    // Erin offline: sent, not delivered.
    const first = await a.say({ toUserId: erinUser.id }, 'are you there?');
    let receipts = (await dmHistory(alice, erinUser.id)).body.receipts;
    assert.deepEqual(receipts, { deliveredUpTo: 0, readUpTo: 0 });

    // Erin opens the conversation: delivered.
    await dmHistory(erin, alice.user!.id);
    const delivered = await a.next(
      'receipt',
      (f) => f.userId === erinUser.id && f.deliveredUpTo === first.id,
    );
    assert.equal(delivered.readUpTo, 0);

    // Erin online: the next message is delivered live.
    const e = await erin.socket(server.wsUrl);
    const second = await a.say({ toUserId: erinUser.id }, 'hello again');
    await e.next('message', (f) => f.message.id === second.id);
    await a.next('receipt', (f) => f.deliveredUpTo === second.id);

    // "Read" cannot be claimed for a message not yet sent.
    e.send({ type: 'read', toUserId: alice.user!.id, messageId: second.id + 1000 });
    assert.equal((await e.next('error')).code, 'MESSAGE_NOT_FOUND');

    // Erin reads it.
    e.send({ type: 'read', toUserId: alice.user!.id, messageId: second.id });
    await a.next('receipt', (f) => f.readUpTo === second.id);
    receipts = (await dmHistory(alice, erinUser.id)).body.receipts;
    assert.deepEqual(receipts, { deliveredUpTo: second.id, readUpTo: second.id });
    await Promise.all([a.close(), e.close()]);
  });
});
