import { sleep } from '../lib/clock.js';
import { callAll, Generator } from '../lib/generators.js';
import { CHEAP_ACCOUNTS, withCeiling, withNatter } from '../lib/harness.js';
import type { ConnectReport } from '../lib/load-types.js';
import { registerMany } from '../lib/natter-api.js';
import { CpuMeter } from '../lib/proc.js';
import { atLeast, atMost, type Scenario, type ScenarioContext } from '../lib/scenario.js';
import type { RunningServer } from '../lib/servers.js';
import { ratio, round, summarise } from '../lib/stats.js';

// N authenticated idle sockets, opened as fast as the server accepts them from several
// generator processes (each under the 20,000-socket limit), then held. Figures: new
// authenticated connections per second, and the server's RSS growth per socket
// (VmRSS after − before, divided by N).

const USERS = 20;
const PER_PROCESS = 4_750;
const IN_FLIGHT_PER_PROCESS = 100; // 4 processes × 100 stays under the listen backlog (511)
const SETTLE_MS = 2_000;

interface ConnectionFigures {
  connected: number;
  failed: number;
  firstError: string | null;
  connectsPerSecond: number | null;
  upgradeMs: { p50: number | null; p99: number | null };
  rssBeforeKb: number | null;
  rssAfterKb: number | null;
  rssPerSocketKb: number | null;
  serverCpuCoresWhileConnecting: number | null;
  generatorRssKbMax: number;
}

async function holdSockets(
  server: RunningServer,
  cookies: string[],
  total: number,
): Promise<ConnectionFigures> {
  const processes = Math.ceil(total / PER_PROCESS);
  const where = { host: '127.0.0.1', port: server.port, lifetimeMs: 10 * 60_000 };
  const generators = Array.from({ length: processes }, () => new Generator('receivers', where));
  try {
    await sleep(SETTLE_MS);
    const rssBeforeKb = server.rssKb();
    const cpu = new CpuMeter(server.pid);
    const share = Math.ceil(total / processes);
    const reports = await Promise.all(
      generators.map((g, i) => {
        const count = Math.min(share, total - i * share);
        const plan = {
          cookies,
          roomOf: Array<number>(count).fill(0),
          concurrency: IN_FLIGHT_PER_PROCESS,
          timeoutMs: 60_000,
        };
        return g.call<ConnectReport>('connect', plan, 120_000);
      }),
    );
    const serverCpu = cpu.cores();
    await sleep(SETTLE_MS);
    const rssAfterKb = server.rssKb();
    const counts = await callAll<{ memoryRssKb: number; lost: number }>(generators, 'counts');
    const connected = reports.reduce((n, r) => n + r.connected, 0) - counts.reduce((n, c) => n + c.lost, 0);
    const slowest = Math.max(...reports.map((r) => r.elapsedMs));
    const upgrades = summarise(reports.flatMap((r) => (r.upgrade.p50 === null ? [] : [r.upgrade.p50])));
    return {
      connected,
      failed: reports.reduce((n, r) => n + r.failed, 0),
      firstError: reports.find((r) => r.firstError)?.firstError ?? null,
      connectsPerSecond: round((reports.reduce((n, r) => n + r.connected, 0) * 1000) / slowest, 0),
      upgradeMs: { p50: upgrades.p50, p99: Math.max(...reports.map((r) => r.upgrade.p99 ?? 0)) },
      rssBeforeKb,
      rssAfterKb,
      rssPerSocketKb:
        rssBeforeKb === null || rssAfterKb === null || connected === 0
          ? null
          : round((rssAfterKb - rssBeforeKb) / connected, 2),
      serverCpuCoresWhileConnecting: round(serverCpu?.total ?? null),
      generatorRssKbMax: Math.max(...counts.map((c) => c.memoryRssKb)),
    };
  } finally {
    await Promise.all(generators.map((g) => g.stop()));
  }
}

function socketCount(ctx: ScenarioContext): number {
  return ctx.quick ? 2_000 : 19_000;
}

export const connections: Scenario = {
  name: 'connections',
  async run(ctx) {
    const total = socketCount(ctx);
    const natter = await withNatter(ctx, 'connections', CHEAP_ACCOUNTS, async (server) => {
      const users = await registerMany(server.baseUrl, 'conn', USERS);
      ctx.log(`natter: opening ${total} sockets`);
      return holdSockets(
        server,
        users.map((u) => u.cookie),
        total,
      );
    });
    const ceiling = await withCeiling(ctx, 'connections', (server) => {
      ctx.log(`ceiling: opening ${total} sockets`);
      return holdSockets(server, [], total);
    });
    return {
      scenario: 'connections',
      db: ctx.db,
      quick: ctx.quick,
      params: {
        sockets: total,
        users: USERS,
        generatorProcesses: Math.ceil(total / PER_PROCESS),
        inFlightPerProcess: IN_FLIGHT_PER_PROCESS,
      },
      natter: { ...natter },
      ceiling: { ...ceiling },
      ratio: {
        connectsPerSecond: ratio(natter.connectsPerSecond, ceiling.connectsPerSecond),
        rssPerSocket: ratio(natter.rssPerSocketKb, ceiling.rssPerSocketKb),
      },
      targets: { sockets: '19000 held', rssPerSocketKb: '<= 10', connectsPerSecond: '>= 2000' },
      met: {
        sockets: ctx.quick ? null : natter.connected >= 19_000,
        rssPerSocketKb: atMost(natter.rssPerSocketKb, 10),
        connectsPerSecond: atLeast(natter.connectsPerSecond, 2000),
      },
    };
  },
};
