import { CHEAP_ACCOUNTS, withCeiling, withNatter } from '../lib/harness.js';
import { type MessageLoadFigures, type MessageLoadPlan, runMessageLoad } from '../lib/message-load.js';
import { registerMany } from '../lib/natter-api.js';
import { atLeast, atMost, type Scenario, type ScenarioContext } from '../lib/scenario.js';
import { ceilingWrites } from '../lib/servers.js';
import { ratio } from '../lib/stats.js';

// One sender → 1,000 subscribers of "General" at a fixed offered rate, 10 % above the
// 1,000 msg/s target: the delivered rate is counted up to the last delivery, so only a
// server with room to spare shows the target itself. The subscribers
// are 20 users with 50 sockets each (one user may hold many sockets); 5 of the 1,000 are
// full-client probes that join last, so they time the end of the fan-out.

const ROOM_GENERAL = 1;
const USERS = 20;
const OFFERED_RATE = 1100;

export function fanoutPlan(quick: boolean, subscribers = 1000, probes = 5): Omit<MessageLoadPlan, 'cookies'> {
  return {
    roomIds: [ROOM_GENERAL],
    leanPerRoom: subscribers - probes,
    probeRooms: Array<number>(probes).fill(0),
    senderSockets: 1,
    receiverProcesses: 1,
    rate: OFFERED_RATE,
    durationMs: quick ? 5_000 : 15_000,
    drainMs: quick ? 3_000 : 15_000,
    warmUpMs: quick ? 1_000 : 3_000,
    textLength: 80,
  };
}

export function fanoutOnNatter(ctx: ScenarioContext, plan: Omit<MessageLoadPlan, 'cookies'>) {
  return withNatter(ctx, 'fanout', CHEAP_ACCOUNTS, async (server) => {
    const users = await registerMany(server.baseUrl, 'fan', USERS);
    return runMessageLoad(server, { ...plan, cookies: users.map((u) => u.cookie) }, ctx.log);
  });
}

export const fanout: Scenario = {
  name: 'fanout',
  async run(ctx) {
    const plan = fanoutPlan(ctx.quick);
    const natter = await fanoutOnNatter(ctx, plan);
    const ceiling = await withCeiling(ctx, 'fanout', (server) =>
      runMessageLoad(server, { ...plan, cookies: [] }, ctx.log),
    );
    return {
      scenario: 'fanout',
      db: ctx.db,
      quick: ctx.quick,
      params: {
        subscribers: plan.leanPerRoom + plan.probeRooms.length,
        probes: plan.probeRooms.length,
        users: USERS,
        offeredRate: plan.rate,
        durationMs: plan.durationMs,
        drainMs: plan.drainMs,
        warmUpMs: plan.warmUpMs,
        textLength: plan.textLength,
        ceilingWrites: ceilingWrites(),
      },
      natter: strip(natter),
      ceiling: strip(ceiling),
      ratio: messageRatios(natter, ceiling),
      targets: {
        messagesPerSecond: '>= 1000',
        p99LatencyMs: '<= 25',
        everyMessageStored: 'true',
        throughputVsCeiling: '>= 0.70',
      },
      met: {
        messagesPerSecond: atLeast(natter.messagesPerSecond, 1000),
        p99LatencyMs: atMost(natter.latencyMs.p99, 25),
        everyMessageStored: natter.everyMessageStored,
        throughputVsCeiling: atLeast(ratio(natter.messagesPerSecond, ceiling.messagesPerSecond), 0.7),
      },
    };
  },
};

export function strip(figures: MessageLoadFigures & { alongside?: unknown }): Record<string, unknown> {
  const { alongside: _ignored, ...rest } = figures;
  return rest;
}

/** Natter ÷ ceiling: throughput (higher is better for Natter), latency and CPU (lower is better). */
export function messageRatios(natter: MessageLoadFigures, ceiling: MessageLoadFigures) {
  return {
    throughput: ratio(natter.messagesPerSecond, ceiling.messagesPerSecond),
    p50Latency: ratio(natter.latencyMs.p50, ceiling.latencyMs.p50),
    p99Latency: ratio(natter.latencyMs.p99, ceiling.latencyMs.p99),
    serverCpuPerMessage: ratio(natter.serverCpuMsPer1000Messages, ceiling.serverCpuMsPer1000Messages),
  };
}
