import { CHEAP_ACCOUNTS, withNatter } from '../lib/harness.js';
import { type HttpFigures, runHttpLoad } from '../lib/http-load.js';
import { registerMany } from '../lib/natter-api.js';
import { CpuMeter } from '../lib/proc.js';
import { atLeast, atMost, type Scenario } from '../lib/scenario.js';
import { seedMessages } from '../lib/seed.js';
import type { RunningServer } from '../lib/servers.js';

// Server-rendered pages with a session cookie, in a closed keep-alive loop: the lobby
// (`/`: rooms with online counts, people) and a room (`/rooms/1`: the same plus its
// newest 50 messages). 50 users exist and General holds 1,000 messages.

const USERS = 50;
const CONNECTIONS = 16;

async function load(
  server: RunningServer,
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

export const pages: Scenario = {
  name: 'pages',
  async run(ctx) {
    const durationMs = ctx.quick ? 4_000 : 15_000;
    const natter = await withNatter(ctx, 'pages', CHEAP_ACCOUNTS, async (server) => {
      const users = await registerMany(server.baseUrl, 'page', USERS);
      await seedMessages(server.store, { count: 1_000, roomIds: [1], fromUserId: 1 }, ctx.log);
      ctx.log(`lobby and room pages, ${durationMs} ms each`);
      const cookie = users[0]!.cookie;
      return {
        lobby: await load(server, cookie, '/', durationMs),
        room: await load(server, cookie, '/rooms/1', durationMs),
      };
    });
    return {
      scenario: 'pages',
      db: ctx.db,
      quick: ctx.quick,
      params: { users: USERS, messagesInRoom: 1_000, connections: CONNECTIONS, durationMs },
      natter,
      targets: { requestsPerSecond: '>= 3000 (each page)', p99LatencyMs: '<= 25' },
      met: {
        lobbyRequestsPerSecond: atLeast(natter.lobby.requestsPerSecond, 3000),
        lobbyP99LatencyMs: atMost(natter.lobby.latencyMs.p99, 25),
        roomRequestsPerSecond: atLeast(natter.room.requestsPerSecond, 3000),
        roomP99LatencyMs: atMost(natter.room.latencyMs.p99, 25),
      },
    };
  },
};
