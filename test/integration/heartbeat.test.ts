import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { signedUp } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';

// The heartbeat pings every socket each WS_HEARTBEAT_MS (a round spread over ticks of
// 100 ms, several sockets a tick here), and drops a socket that has not answered two pings
// in a row.

const SOCKETS = 1_200;

describe('heartbeat', () => {
  let server: TestServer;
  let headers: Record<string, string>;
  const sockets: WebSocket[] = [];

  before(async () => {
    server = await startServer({
      settings: {
        WS_HEARTBEAT_MS: 1_000,
        WS_MAX_CONNECTIONS_PER_USER: 5_000,
        WS_MAX_CONNECTIONS_PER_IP: 5_000,
      },
    });
    const client = await signedUp(server, 'pulse');
    headers = { cookie: client.cookie!, origin: server.url };
  });

  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server.stop();
  });

  const open = (options: { autoPong?: boolean } = {}) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(server.wsUrl, { headers, ...options });
      sockets.push(ws);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });

  test('every socket is pinged each round, and one that never answers is dropped', async () => {
    const pinged = new Set<WebSocket>();
    for (let i = 0; i < SOCKETS; i += 100) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, SOCKETS - i) }, () => open()));
      for (const ws of batch) ws.on('ping', () => pinged.add(ws));
    }
    const mute = await open({ autoPong: false });
    const closedAt = new Promise<number>((resolve) => mute.once('close', () => resolve(Date.now())));
    const start = Date.now();
    while (pinged.size < SOCKETS && Date.now() - start < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(pinged.size, SOCKETS, 'every socket got a ping within a round or two');
    const dropped = await Promise.race([
      closedAt,
      new Promise<null>((r) => setTimeout(() => r(null), 6_000)),
    ]);
    assert.ok(dropped !== null, 'the socket that never answers pings is dropped');
    assert.ok(
      sockets.filter((ws) => ws !== mute).every((ws) => ws.readyState === WebSocket.OPEN),
      'sockets that answer stay open',
    );
  });
});
