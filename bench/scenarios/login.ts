import { Generator } from '../lib/generators.js';
import { withNatter } from '../lib/harness.js';
import { httpFigures } from '../lib/http-load.js';
import type { HttpReport } from '../lib/load-types.js';
import { type MessageLoadPlan, runMessageLoad } from '../lib/message-load.js';
import { BENCH_PASSWORD, registerMany } from '../lib/natter-api.js';
import { atLeast, atMost, type Scenario } from '../lib/scenario.js';
import { strip } from './fanout.js';

// Logins at the default bcrypt cost (10) while a small fan-out runs as a probe: first
// the fan-out alone (baseline ws latency), then the same fan-out with a closed loop of
// logins beside it. The question is whether password hashing (on libuv's thread pool)
// slows live messages down.

const LOGIN_USERS = 8;
const LOGIN_CONCURRENCY = 8;
const PROBE_USERS = 5;

function probePlan(quick: boolean, cookies: string[]): MessageLoadPlan {
  return {
    roomIds: [1],
    leanPerRoom: 95,
    probeRooms: [0, 0, 0, 0, 0],
    senderSockets: 1,
    receiverProcesses: 1,
    rate: 100,
    durationMs: quick ? 5_000 : 15_000,
    drainMs: 5_000,
    // Both phases warm up first, so "alone" is not a cold server compared with a warm one.
    warmUpMs: quick ? 1_000 : 3_000,
    textLength: 80,
    cookies,
  };
}

export const login: Scenario = {
  name: 'login',
  async run(ctx) {
    const settings = { settings: { BCRYPT_ROUNDS: '10' } };
    const result = await withNatter(ctx, 'login', settings, async (server) => {
      const loginUsers = await registerMany(server.baseUrl, 'login', LOGIN_USERS);
      const probeUsers = await registerMany(server.baseUrl, 'probe', PROBE_USERS);
      const plan = probePlan(
        ctx.quick,
        probeUsers.map((u) => u.cookie),
      );
      ctx.log('fan-out probe alone');
      const baseline = await runMessageLoad(server, plan, ctx.log);
      ctx.log('fan-out probe with logins beside it');
      const generator = new Generator('logins', {
        host: '127.0.0.1',
        port: server.port,
        lifetimeMs: 5 * 60_000,
      });
      try {
        const logins = () =>
          generator.call<HttpReport>(
            'run',
            {
              usernames: loginUsers.map((u) => u.username),
              password: BENCH_PASSWORD,
              concurrency: LOGIN_CONCURRENCY,
              durationMs: plan.durationMs,
              maxLogins: 100_000,
            },
            plan.durationMs + 30_000,
          );
        const during = await runMessageLoad(server, plan, ctx.log, logins);
        return { baseline, during, logins: httpFigures(during.alongside!, during.serverCpuCores) };
      } finally {
        await generator.stop();
      }
    });
    const { baseline, during, logins } = result;
    const probe = probePlan(ctx.quick, []);
    return {
      scenario: 'login',
      db: ctx.db,
      quick: ctx.quick,
      params: {
        bcryptCost: 10,
        loginConcurrency: LOGIN_CONCURRENCY,
        probeFanout: { subscribers: 100, rate: 100, durationMs: probe.durationMs, warmUpMs: probe.warmUpMs },
      },
      natter: {
        loginsPerSecond: logins.requestsPerSecond,
        loginLatencyMs: logins.latencyMs,
        loginStatuses: logins.statuses,
        wsLatencyMsAlone: baseline.latencyMs,
        wsLatencyMsDuringLogins: during.latencyMs,
        probeDuringLogins: strip(during),
      },
      targets: { loginsPerSecond: '>= 30', wsP99DuringLoginsMs: '<= 25' },
      met: {
        loginsPerSecond: atLeast(logins.requestsPerSecond, 30),
        wsP99DuringLoginsMs: atMost(during.latencyMs.p99, 25),
      },
    };
  },
};
