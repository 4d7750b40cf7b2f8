import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Heartbeat, type Pingable } from '../../src/ws/heartbeat.js';

/** A socket stand-in that counts pings, and answers them when `alive`. */
function fakeConn(alive = true) {
  const conn = {
    missedPings: 0,
    pings: 0,
    terminated: false,
    ws: {
      ping: () => {
        conn.pings++;
        if (alive) conn.missedPings = 0; // the pong, as the gateway handles it
      },
      terminate: () => {
        conn.terminated = true;
      },
    },
  };
  return conn satisfies Pingable;
}

describe('heartbeat', () => {
  test('a round is spread evenly over its ticks, each socket pinged once a round', () => {
    const conns = Array.from({ length: 1_000 }, () => fakeConn());
    const heartbeat = new Heartbeat(() => conns, 10);
    for (let tick = 1; tick <= 10; tick++) {
      heartbeat.tick();
      const pinged = conns.filter((c) => c.pings > 0).length;
      assert.equal(pinged, tick * 100, `after tick ${tick}`);
    }
    assert.ok(
      conns.every((c) => c.pings === 1),
      'once each in the first round',
    );
    for (let tick = 0; tick < 10; tick++) heartbeat.tick();
    assert.ok(
      conns.every((c) => c.pings === 2),
      'once more in the second',
    );
  });

  test('fewer sockets than ticks: one a tick, and nothing until the round is over', () => {
    const conns = [fakeConn(), fakeConn(), fakeConn()];
    const heartbeat = new Heartbeat(() => conns, 10);
    for (let tick = 0; tick < 10; tick++) heartbeat.tick();
    assert.deepEqual(
      conns.map((c) => c.pings),
      [1, 1, 1],
    );
    heartbeat.tick();
    assert.deepEqual(
      conns.map((c) => c.pings),
      [2, 1, 1],
    );
  });

  test('a socket opened during a round is pinged from the next one', () => {
    const conns = [fakeConn(), fakeConn()];
    const heartbeat = new Heartbeat(() => conns, 4);
    heartbeat.tick();
    const late = fakeConn();
    conns.push(late);
    for (let tick = 1; tick < 4; tick++) heartbeat.tick();
    assert.equal(late.pings, 0);
    for (let tick = 0; tick < 4; tick++) heartbeat.tick();
    assert.equal(late.pings, 1);
  });

  test('a socket that leaves two pings unanswered is dropped at its third; one that answers stays', () => {
    const mute = fakeConn(false);
    const answering = fakeConn();
    const heartbeat = new Heartbeat(() => [mute, answering], 1);
    heartbeat.tick();
    heartbeat.tick();
    assert.equal(mute.terminated, false, 'two pings unanswered so far');
    heartbeat.tick();
    assert.equal(mute.terminated, true);
    assert.equal(mute.pings, 2, 'no third ping, dropped instead');
    assert.equal(answering.terminated, false);
    assert.equal(answering.pings, 3);
  });
});
