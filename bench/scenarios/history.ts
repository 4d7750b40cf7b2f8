import { CHEAP_ACCOUNTS, withNatter } from '../lib/harness.js';
import { runHttpLoad } from '../lib/http-load.js';
import { registerMany } from '../lib/natter-api.js';
import { CpuMeter } from '../lib/proc.js';
import { atMost, type Scenario } from '../lib/scenario.js';
import { seedMessages, timeRawPageQuery } from '../lib/seed.js';
import { ratio, summarise } from '../lib/stats.js';

// History paging on a big table: messages are seeded straight into the database
// (spread over the four default rooms), then `GET /api/rooms/:id/messages?before=<random
// id>&limit=50` at random depths: first in a closed loop (as fast as Natter answers; the
// latency then includes waiting behind the other connections' requests), then paced at a
// fixed rate well below that (the latency of a page when Natter is not saturated). The
// same query timed directly on the driver is the floor under Natter's answer time.

const ROOMS = [1, 2, 3, 4];
const CONNECTIONS = 8;
/** About 40 % of what one process answers in the closed loop. */
const PACED_RATE = 500;

export const history: Scenario = {
  name: 'history',
  async run(ctx) {
    const rows = ctx.quick ? 100_000 : 10_000_000;
    const durationMs = ctx.quick ? 5_000 : 15_000;
    const result = await withNatter(ctx, 'history', CHEAP_ACCOUNTS, async (server) => {
      const [user] = await registerMany(server.baseUrl, 'hist', 1);
      ctx.log(`seeding ${rows} messages`);
      const plan = { count: rows, roomIds: ROOMS, fromUserId: 1 };
      const seedRowsPerSecond = await seedMessages(server.store, plan, ctx.log);
      const rawQueryMs = summarise(await timeRawPageQuery(server.store, plan, 2_000, 5_000));
      ctx.log(`seeded (${seedRowsPerSecond} rows/s); paging for ${durationMs} ms`);
      const load = {
        cookie: user!.cookie,
        paths: ROOMS.map((id) => `/api/rooms/${id}/messages?before={before}&limit=50`),
        maxId: rows,
        connections: CONNECTIONS,
        durationMs,
        maxRequests: 2_000_000,
      };
      const measure = (ratePerSecond?: number) => {
        const cpu = new CpuMeter(server.pid);
        return runHttpLoad(server, { ...load, ratePerSecond }, () => cpu.cores()?.total ?? null);
      };
      const figures = await measure();
      ctx.log(`paced at ${PACED_RATE} requests/s for ${durationMs} ms`);
      const paced = await measure(PACED_RATE);
      return { figures, paced, seedRowsPerSecond, rawQueryMs };
    });
    return {
      scenario: 'history',
      db: ctx.db,
      quick: ctx.quick,
      params: {
        rows,
        rooms: ROOMS.length,
        pageSize: 50,
        connections: CONNECTIONS,
        durationMs,
        pacedRate: PACED_RATE,
      },
      natter: { ...result.figures, paced: result.paced, seedRowsPerSecond: result.seedRowsPerSecond },
      ceiling: {
        rawQueryMs: result.rawQueryMs,
        note: 'the same SELECT straight on the driver, one at a time',
      },
      ratio: {
        p50VsDriver: ratio(result.figures.latencyMs.p50, result.rawQueryMs.p50),
        p99VsDriver: ratio(result.figures.latencyMs.p99, result.rawQueryMs.p99),
      },
      targets: { rows: '10000000', p99LatencyMs: '<= 15', pacedP99LatencyMs: '<= 15' },
      met: {
        rows: ctx.quick ? null : true,
        p99LatencyMs: atMost(result.figures.latencyMs.p99, 15),
        pacedP99LatencyMs: atMost(result.paced.latencyMs.p99, 15),
      },
    };
  },
};
