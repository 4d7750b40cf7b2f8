import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WebSocket } from 'ws';
import type { PublicUser, ServerFrame } from '../../src/shared/wire.js';
import { Connection } from '../../src/ws/connection.js';
import { Hub } from '../../src/ws/hub.js';

/** A socket stand-in that records what the hub writes to it. */
function fakeSocket(bufferedAmount = 0) {
  const writes: Buffer[] = [];
  const closes: number[] = [];
  const ws = {
    OPEN: 1,
    CONNECTING: 0,
    readyState: 1,
    bufferedAmount,
    send: (data: Buffer) => writes.push(data),
    close: (code: number) => closes.push(code),
    terminate: () => closes.push(1006),
  };
  return { ws: ws as unknown as WebSocket, writes, closes };
}

let nextId = 0;
function connect(hub: Hub, user: PublicUser, bufferedAmount = 0) {
  const socket = fakeSocket(bufferedAmount);
  const conn = new Connection(`c${++nextId}`, socket.ws, user, `s${nextId}`);
  hub.add(conn);
  return { conn, ...socket };
}

const frames = (writes: Buffer[]) => writes.map((b) => JSON.parse(b.toString()) as ServerFrame);
const alice = { id: 1, username: 'alice', avatar: '/avatars/1.svg' };
const bob = { id: 2, username: 'bob', avatar: '/avatars/2.svg' };

describe('hub', () => {
  test('a room frame is serialised once: every recipient gets the very same bytes', () => {
    const hub = new Hub(1 << 20);
    const members = [connect(hub, alice), connect(hub, bob), connect(hub, bob)];
    for (const m of members) hub.subscribe(m.conn, 7);
    for (const m of members) m.writes.length = 0;
    hub.toRoom(7, { type: 'pong' });
    const buffers = members.map((m) => m.writes[0]);
    assert.ok(buffers[0]);
    assert.ok(buffers.every((b) => b === buffers[0]));
  });

  test('the connection that caused an event is skipped; other rooms hear nothing', () => {
    const hub = new Hub(1 << 20);
    const sender = connect(hub, alice);
    const other = connect(hub, bob);
    const elsewhere = connect(hub, bob);
    hub.subscribe(sender.conn, 1);
    hub.subscribe(other.conn, 1);
    hub.subscribe(elsewhere.conn, 2);
    for (const c of [sender, other, elsewhere]) c.writes.length = 0;
    hub.toRoom(1, { type: 'pong' }, sender.conn.id);
    assert.equal(sender.writes.length, 0);
    assert.equal(other.writes.length, 1);
    assert.equal(elsewhere.writes.length, 0);
  });

  test('presence counts people, not tabs, and is announced only when it changes', async () => {
    const hub = new Hub(1 << 20, 0);
    const a1 = connect(hub, alice);
    const a2 = connect(hub, alice);
    const b = connect(hub, bob);
    hub.subscribe(b.conn, 1);
    hub.subscribe(a1.conn, 1);
    hub.subscribe(a2.conn, 1);
    assert.equal(hub.roomOnlineCount(1), 2);
    const announced = frames(b.writes).filter((f) => f.type === 'presence');
    assert.equal(announced.length, 2, 'one for bob himself, one when alice arrived; none for her 2nd tab');
    hub.remove(a1.conn);
    assert.equal(hub.roomOnlineCount(1), 2);
    hub.remove(a2.conn);
    assert.equal(hub.roomOnlineCount(1), 1);
    const last = frames(b.writes).at(-1);
    assert.deepEqual(last, { type: 'presence', roomId: 1, online: [bob] });
    assert.equal(hub.isConnected(alice.id), false);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(hub.isOnline(alice.id), false);
  });

  test('a user stays online for a grace period after their last socket closes, then goes offline', async () => {
    const hub = new Hub(1 << 20, 30);
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

  test('a socket that stops reading is closed with 1013 instead of buffering without end', async () => {
    const hub = new Hub(1000);
    const slow = connect(hub, alice, 5000);
    const fine = connect(hub, bob);
    hub.subscribe(slow.conn, 1);
    hub.subscribe(fine.conn, 1);
    hub.toRoom(1, { type: 'pong' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(slow.closes[0], 1013);
    assert.deepEqual(fine.closes, []);
  });
});
