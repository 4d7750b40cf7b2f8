import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { describe, test } from 'node:test';
import type { WebSocket } from 'ws';
import type { PublicUser, ServerFrame } from '../../src/shared/wire.js';
import { Connection } from '../../src/ws/connection.js';
import { Hub } from '../../src/ws/hub.js';
import { Outbox, SOCKETS_PER_SLICE } from '../../src/ws/outbox.js';

/** A socket stand-in that records each write made to it (one per socket and sending callback). */
function fakeSocket(bufferedAmount = 0) {
  const writes: Buffer[] = [];
  const closes: number[] = [];
  const ws = {
    OPEN: 1,
    CONNECTING: 0,
    readyState: 1,
    bufferedAmount,
    close(code: number) {
      closes.push(code);
      this.readyState = 2;
    },
    terminate: () => closes.push(1006),
  };
  const socket = { write: (bytes: Buffer) => writes.push(bytes) };
  return { ws: ws as unknown as WebSocket, socket: socket as unknown as Duplex, writes, closes };
}

const outboxOfTheProcess = new Outbox(1 << 20);
let nextId = 0;
function connect(hub: Hub, user: PublicUser, { bufferedAmount = 0, outbox = outboxOfTheProcess } = {}) {
  const fake = fakeSocket(bufferedAmount);
  const conn = new Connection(`c${++nextId}`, fake.ws, fake.socket, user, `s${nextId}`, outbox);
  hub.add(conn);
  return { conn, ...fake };
}

const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Splits written bytes back into the JSON of each WebSocket text frame. */
function frames(writes: Buffer[]): ServerFrame[] {
  const out: ServerFrame[] = [];
  for (const bytes of writes) {
    let at = 0;
    while (at < bytes.length) {
      assert.equal(bytes[at], 0x81, 'a final, unmasked text frame');
      let length = bytes[at + 1]!;
      let header = 2;
      if (length === 126) {
        length = bytes.readUInt16BE(at + 2);
        header = 4;
      } else if (length === 127) {
        length = Number(bytes.readBigUInt64BE(at + 2));
        header = 10;
      }
      out.push(JSON.parse(bytes.subarray(at + header, at + header + length).toString()) as ServerFrame);
      at += header + length;
    }
  }
  return out;
}

const alice = { id: 1, username: 'alice', avatar: '/avatars/1.svg' };
const bob = { id: 2, username: 'bob', avatar: '/avatars/2.svg' };

describe('hub', () => {
  test('the connection that caused an event is skipped; other rooms hear nothing', async () => {
    const hub = new Hub();
    const sender = connect(hub, alice);
    const other = connect(hub, bob);
    const elsewhere = connect(hub, bob);
    hub.subscribe(sender.conn, 1);
    hub.subscribe(other.conn, 1);
    hub.subscribe(elsewhere.conn, 2);
    await endOfTurn();
    for (const c of [sender, other, elsewhere]) c.writes.length = 0;
    hub.toRoom(1, { type: 'pong' }, sender.conn.id);
    await endOfTurn();
    assert.equal(sender.writes.length, 0);
    assert.equal(other.writes.length, 1);
    assert.equal(elsewhere.writes.length, 0);
  });

  test('presence counts people, not tabs, and is announced only when it changes', async () => {
    const hub = new Hub(0);
    const a1 = connect(hub, alice);
    const a2 = connect(hub, alice);
    const b = connect(hub, bob);
    hub.subscribe(b.conn, 1);
    hub.subscribe(a1.conn, 1);
    hub.subscribe(a2.conn, 1);
    assert.equal(hub.roomOnlineCount(1), 2);
    await endOfTurn();
    const announced = frames(b.writes).filter((f) => f.type === 'presence');
    assert.equal(announced.length, 2, 'one for bob himself, one when alice arrived; none for her 2nd tab');
    hub.remove(a1.conn);
    assert.equal(hub.roomOnlineCount(1), 2);
    hub.remove(a2.conn);
    assert.equal(hub.roomOnlineCount(1), 1);
    await endOfTurn();
    const last = frames(b.writes).at(-1);
    assert.deepEqual(last, { type: 'presence', roomId: 1, online: [bob] });
    assert.equal(hub.isConnected(alice.id), false);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(hub.isOnline(alice.id), false);
  });

  test('a user stays online for a grace period after their last socket closes, then goes offline', async () => {
    const hub = new Hub(30);
    const changes: [number, boolean][] = [];
    hub.on('userPresence', (userId, online) => changes.push([userId, online]));
    const first = connect(hub, alice);
    hub.remove(first.conn);
    connect(hub, alice); // the next page opened its socket in time
    assert.deepEqual(changes, [[1, true]]);
    const other = connect(hub, bob);
    hub.remove(other.conn);
    assert.equal(hub.isOnline(bob.id), true);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(hub.isOnline(bob.id), false);
    assert.deepEqual(changes, [
      [1, true],
      [2, true],
      [2, false],
    ]);
  });

  test('room news reaches members elsewhere in the app only, whether members or online users are fewer', async () => {
    const carol = { id: 3, username: 'carol', avatar: '/avatars/3.svg' };
    for (const members of [
      new Set([1, 2, 3]),
      new Set([1, 2, 3, ...Array.from({ length: 50 }, (_, i) => 100 + i)]),
    ]) {
      const hub = new Hub();
      const inRoom = connect(hub, alice);
      const elsewhere = connect(hub, alice);
      const bobElsewhere = connect(hub, bob);
      const sender = connect(hub, carol);
      const stranger = connect(hub, { id: 9, username: 'dan', avatar: '/avatars/4.svg' });
      hub.subscribe(inRoom.conn, 7);
      await endOfTurn();
      for (const c of [inRoom, elsewhere, bobElsewhere, sender, stranger]) c.writes.length = 0;
      hub.toUsersOutsideRoom(members, 7, { type: 'pong' }, carol.id);
      await endOfTurn();
      assert.deepEqual(
        [inRoom, elsewhere, bobElsewhere, sender, stranger].map((c) => c.writes.length),
        [0, 1, 1, 0, 0],
      );
    }
  });

  test('a socket that stops reading is closed with 1013 instead of buffering without end', async () => {
    const hub = new Hub();
    const outbox = new Outbox(1000);
    const slow = connect(hub, alice, { bufferedAmount: 5000, outbox });
    const fine = connect(hub, bob, { outbox });
    hub.subscribe(slow.conn, 1);
    hub.subscribe(fine.conn, 1);
    hub.toRoom(1, { type: 'pong' });
    await endOfTurn();
    assert.equal(slow.closes[0], 1013);
    assert.deepEqual(fine.closes, []);
  });
});

/** Alice and Bob subscribed to room 1, with what that wrote already cleared. */
async function bothInRoomOne() {
  const hub = new Hub();
  const a = connect(hub, alice);
  const b = connect(hub, bob);
  hub.subscribe(a.conn, 1);
  hub.subscribe(b.conn, 1);
  await endOfTurn();
  a.writes.length = 0;
  b.writes.length = 0;
  return { hub, a, b };
}

describe('outbox', () => {
  test('frames sent in one callback leave in one write per socket, in the order they were sent', async () => {
    const { hub, a, b } = await bothInRoomOne();
    hub.toRoom(1, { type: 'typing', roomId: 1, user: bob });
    a.conn.send({ type: 'pong' });
    hub.toRoom(1, { type: 'pong' });
    assert.equal(a.writes.length, 0, 'nothing is written before the callback is done');
    await endOfTurn();
    assert.equal(a.writes.length, 1);
    assert.equal(b.writes.length, 1);
    assert.deepEqual(
      frames(a.writes).map((f) => f.type),
      ['typing', 'pong', 'pong'],
    );
    assert.deepEqual(
      frames(b.writes).map((f) => f.type),
      ['typing', 'pong'],
    );
  });

  test('frames leave once the sending callback and its promise jobs are done, before the next turn', async () => {
    const { hub, a, b } = await bothInRoomOne();
    let writtenByNextTurn = -1;
    setImmediate(() => {
      writtenByNextTurn = b.writes.length;
    });
    hub.toRoom(1, { type: 'pong' });
    await Promise.resolve();
    hub.toRoom(1, { type: 'pong' }, a.conn.id); // a later promise job of the same callback
    assert.equal(b.writes.length, 0, 'nothing is written while promise jobs still run');
    await endOfTurn();
    assert.equal(writtenByNextTurn, 1, 'both frames left in one write, before the next turn');
    assert.equal(frames(b.writes).length, 2);
  });

  test('a room frame is serialised once, and recipients of the same frames in a turn share one buffer', async () => {
    const hub = new Hub();
    const members = [connect(hub, alice), connect(hub, bob), connect(hub, bob)];
    for (const m of members) hub.subscribe(m.conn, 5);
    await endOfTurn();
    for (const m of members) m.writes.length = 0;
    for (let i = 0; i < 3; i++) hub.toRoom(5, { type: 'pong' });
    await endOfTurn();
    const written = members.map((m) => m.writes[0]);
    assert.ok(written[0]);
    assert.ok(written.every((bytes) => bytes === written[0]));
    assert.deepEqual(frames([written[0]!]), [{ type: 'pong' }, { type: 'pong' }, { type: 'pong' }]);
  });

  test('frames longer than 125 and 65,535 bytes carry extended lengths', async () => {
    const hub = new Hub();
    const a = connect(hub, alice);
    for (const size of [200, 70_000]) {
      a.conn.send({ type: 'error', code: 'X', message: 'y'.repeat(size) } as ServerFrame);
    }
    await endOfTurn();
    const sizes = frames(a.writes).map((f) => (f as { message: string }).message.length);
    assert.deepEqual(sizes, [200, 70_000]);
  });

  test('a broadcast to a large room is written in slices, taking in I/O between them', async () => {
    const hub = new Hub();
    const members = Array.from({ length: SOCKETS_PER_SLICE + 5 }, () => connect(hub, bob));
    for (const m of members) hub.subscribe(m.conn, 9);
    await new Promise((resolve) => setTimeout(resolve, 10));
    for (const m of members) m.writes.length = 0;
    const first = members.slice(0, SOCKETS_PER_SLICE);
    const rest = members.slice(SOCKETS_PER_SLICE);

    hub.toRoom(9, { type: 'pong' });
    await new Promise((resolve) => process.nextTick(resolve));
    assert.ok(
      first.every((m) => m.writes.length === 1),
      'the first slice leaves before the loop moves on',
    );
    assert.ok(
      rest.every((m) => m.writes.length === 0),
      'the rest waits for the loop to take in I/O',
    );

    // What an I/O callback (a batch's commit) sends meanwhile joins the waiting sockets' writes.
    hub.toRoom(9, { type: 'typing', roomId: 9, user: alice });
    await new Promise((resolve) => setTimeout(resolve, 10));
    for (const m of rest)
      assert.deepEqual(
        frames(m.writes).map((f) => f.type),
        ['pong', 'typing'],
      );
    assert.ok(rest.every((m) => m.writes.length === 1));
    for (const m of first)
      assert.deepEqual(
        frames(m.writes).map((f) => f.type),
        ['pong', 'typing'],
      );
  });

  test('an outbox without slices writes every socket at once', async () => {
    const hub = new Hub();
    const outbox = new Outbox(1 << 20, Number.POSITIVE_INFINITY);
    const members = Array.from({ length: SOCKETS_PER_SLICE + 5 }, () => connect(hub, bob, { outbox }));
    for (const m of members) m.conn.send({ type: 'pong' });
    await new Promise((resolve) => process.nextTick(resolve));
    assert.ok(members.every((m) => m.writes.length === 1));
  });

  test('a connection closed during the turn still gets what was sent before the close, then nothing', async () => {
    const hub = new Hub();
    const a = connect(hub, alice);
    a.conn.send({ type: 'pong' });
    a.conn.close(4001, 'Logged out');
    a.conn.send({ type: 'pong' });
    await endOfTurn();
    assert.equal(frames(a.writes).length, 1);
    assert.deepEqual(a.closes, [4001]);
  });
});
