import { sleep } from '../lib/clock.js';
import { openClient } from '../lib/full-client.js';
import { CHEAP_ACCOUNTS, withCeiling, withNatter, withPagesFloor } from '../lib/harness.js';
import { type HttpFigures, runHttpLoad } from '../lib/http-load.js';
import { type BenchUser, floorSession, registerMany, sendEach, userIds } from '../lib/natter-api.js';
import { CpuMeter } from '../lib/proc.js';
import { atLeast, atMost, type Scenario } from '../lib/scenario.js';
import { seedMessages } from '../lib/seed.js';
import type { RunningProcess, RunningServer } from '../lib/servers.js';
import { ratio } from '../lib/stats.js';

// Server-rendered pages with a session cookie, in a closed keep-alive loop: the lobby
// (`/`: rooms with online counts, people, what is unread) and a room (`/rooms/1`: the same
// plus its newest 50 messages). 50 users exist and General holds 1,000 messages. The user
// whose pages are asked for takes part in 30 conversations, each with unread messages:
// the 4 rooms, and private ones with 26 of the others.
// The lobby is then asked for once more while another user posts CHAT_PER_SECOND messages
// into the user's rooms: every page follows a change to what is unread.
// The ceiling answers the very page bodies Natter rendered for that user, from memory
// with bare node:http: no session, routing, database, rendering or security headers —
// what this machine and the load generator can do for pages of that size. The pages floor
// answers the same bodies through Express with Natter's security headers, body parser and
// session middleware (bench/pages-floor.ts): what those packages cost a page, before any
// of Natter's own work.

const USERS = 50;
const PRIVATE_CONVERSATIONS = 26;
const ROOMS = [1, 2, 3, 4];
const CONNECTIONS = 16;
const PATHS = { lobby: '/', room: '/rooms/1' } as const;
const CHAT_PER_SECOND = 200;

async function load(
  server: RunningProcess,
  cookie: string,
  path: string,
  durationMs: number,
): Promise<HttpFigures> {
  const cpu = new CpuMeter(server.pid);
  const plan = {
    cookie,
    paths: [path],
    maxId: 0,
    connections: CONNECTIONS,
    durationMs,
    maxRequests: 1_000_000,
  };
  return runHttpLoad(server, plan, () => cpu.cores()?.total ?? null);
}

/**
 * `me` writes in every room and to PRIVATE_CONVERSATIONS of the others; each of those
 * answers three times and writes once in a room, so every conversation has something unread.
 */
async function busyUser(baseUrl: string, me: BenchUser, others: BenchUser[]): Promise<void> {
  const ids = await userIds(baseUrl, me.cookie);
  const peers = others.slice(0, PRIVATE_CONVERSATIONS);
  await sendEach(baseUrl, me.cookie, [
    ...ROOMS.map((roomId) => ({ roomId, text: 'hello, room' })),
    ...peers.map((peer) => ({ toUserId: ids.get(peer.username)!, text: 'hello' })),
  ]);
  const myId = ids.get(me.username)!;
  for (const [n, peer] of peers.entries()) {
    await sendEach(baseUrl, peer.cookie, [
      ...[1, 2, 3].map((k) => ({ toUserId: myId, text: `answer ${k}` })),
      { roomId: ROOMS[n % ROOMS.length]!, text: 'news for the room' },
    ]);
  }
}

/**
 * Posts CHAT_PER_SECOND messages as `from` into the ROOMS in turn, without waiting for
 * each answer, until the returned stop is called; that answers how many were stored.
 */
async function chatter(baseUrl: string, from: BenchUser): Promise<() => Promise<number>> {
  const { hostname, port } = new URL(baseUrl);
  const ws = await openClient(hostname, Number(port), from.cookie);
  let sent = 0;
  let acked = 0;
  ws.on('message', (data: Buffer) => {
    if ((JSON.parse(data.toString()) as { type: string }).type === 'ack') acked++;
  });
  const started = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * CHAT_PER_SECOND);
    for (; sent < due; sent++) {
      const roomId = ROOMS[sent % ROOMS.length];
      ws.send(JSON.stringify({ type: 'send', clientId: `chat-${sent}`, roomId, text: `meanwhile ${sent}` }));
    }
  }, 5);
  return async () => {
    clearInterval(timer);
    for (let waited = 0; acked < sent && waited < 5_000; waited += 50) await sleep(50);
    ws.close();
    return acked;
  };
}

/** The lobby under load while chatter goes on, with the chatter's stored rate. */
async function lobbyDuringChat(server: RunningServer, cookie: string, from: BenchUser, durationMs: number) {
  const stop = await chatter(server.baseUrl, from);
  const started = performance.now();
  const figures = await load(server, cookie, PATHS.lobby, durationMs);
  const stored = await stop();
  return { ...figures, chatMessagesPerSecond: Math.round(stored / ((performance.now() - started) / 1000)) };
}

export const pages: Scenario = {
  name: 'pages',
  async run(ctx) {
    const durationMs = ctx.quick ? 3_000 : 15_000;
    const pagesAsRendered: Record<string, string> = {};
    let cookie = '';
    const natter = await withNatter(ctx, 'pages', CHEAP_ACCOUNTS, async (server) => {
      const users = await registerMany(server.baseUrl, 'page', USERS);
      await busyUser(server.baseUrl, users[0]!, users.slice(1));
      // Written behind Natter's back, which is sound only because no page has been read yet:
      // nothing of General is kept in memory to go stale.
      await seedMessages(server.store, { count: 1_000, roomIds: [1], fromUserId: 1 }, ctx.log);
      cookie = users[0]!.cookie;
      for (const path of Object.values(PATHS)) {
        const page = await fetch(server.baseUrl + path, { headers: { cookie }, redirect: 'manual' });
        if (page.status !== 200) throw new Error(`GET ${path} with the session answered ${page.status}`);
        pagesAsRendered[path] = await page.text();
      }
      ctx.log(`lobby and room pages, ${durationMs} ms each`);
      return {
        lobby: await load(server, cookie, PATHS.lobby, durationMs),
        room: await load(server, cookie, PATHS.room, durationMs),
        lobbyDuringChat: await lobbyDuringChat(server, cookie, users[1]!, durationMs),
      };
    });
    const ceiling = await withCeiling(
      ctx,
      'pages',
      async (server) => ({
        lobby: await load(server, cookie, PATHS.lobby, durationMs),
        room: await load(server, cookie, PATHS.room, durationMs),
      }),
      pagesAsRendered,
    );
    const floor = await withPagesFloor(pagesAsRendered, async (server) => {
      const floorCookie = await floorSession(server.baseUrl);
      return {
        lobby: await load(server, floorCookie, PATHS.lobby, durationMs),
        room: await load(server, floorCookie, PATHS.room, durationMs),
      };
    });
    return {
      scenario: 'pages',
      db: ctx.db,
      quick: ctx.quick,
      params: {
        users: USERS,
        conversationsOfTheUser: ROOMS.length + PRIVATE_CONVERSATIONS,
        messagesInRoom: 1_000,
        connections: CONNECTIONS,
        durationMs,
        chatPerSecondDuringLobbyDuringChat: CHAT_PER_SECOND,
        pageBytes: {
          lobby: Buffer.byteLength(pagesAsRendered[PATHS.lobby]!),
          room: Buffer.byteLength(pagesAsRendered[PATHS.room]!),
        },
      },
      natter,
      ceiling,
      floor,
      ratio: {
        lobbyThroughput: ratio(natter.lobby.requestsPerSecond, ceiling.lobby.requestsPerSecond),
        roomThroughput: ratio(natter.room.requestsPerSecond, ceiling.room.requestsPerSecond),
        lobbyThroughputOfFloor: ratio(natter.lobby.requestsPerSecond, floor.lobby.requestsPerSecond),
        roomThroughputOfFloor: ratio(natter.room.requestsPerSecond, floor.room.requestsPerSecond),
      },
      targets: { requestsPerSecond: '>= 3000 (each page)', p99LatencyMs: '<= 25' },
      met: {
        lobbyRequestsPerSecond: atLeast(natter.lobby.requestsPerSecond, 3000),
        lobbyP99LatencyMs: atMost(natter.lobby.latencyMs.p99, 25),
        roomRequestsPerSecond: atLeast(natter.room.requestsPerSecond, 3000),
        roomP99LatencyMs: atMost(natter.room.latencyMs.p99, 25),
        lobbyDuringChatRequestsPerSecond: atLeast(natter.lobbyDuringChat.requestsPerSecond, 3000),
        lobbyDuringChatP99LatencyMs: atMost(natter.lobbyDuringChat.latencyMs.p99, 25),
      },
    };
  },
};
