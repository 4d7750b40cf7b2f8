import { CHEAP_ACCOUNTS, withCeiling, withNatter } from '../lib/harness.js';
import { type MessageLoadPlan, runMessageLoad } from '../lib/message-load.js';
import { createRooms, registerMany } from '../lib/natter-api.js';
import { atLeast, atMost, type Scenario } from '../lib/scenario.js';
import { ceilingWrites } from '../lib/servers.js';
import { ratio } from '../lib/stats.js';
import { messageRatios, strip } from './fanout.js';

// Many small rooms: each room has 10 members — one sender socket, one full-client probe
// (joins last: it times the room's slowest delivery) and 8 lean receivers — and the
// sender process posts to the rooms in turn at a fixed total rate. Every socket is its
// own user, as in real use: a user shared by sockets in many rooms would be notified of
// each room's messages on all of its other sockets, which real users do not cause.

const MEMBERS = 10;
const LEAN = MEMBERS - 2;

/** Users of room r are users[r*10 .. r*10+9]: 8 lean receivers, then the probe, then the sender. */
function cookiesByRole(cookies: string[], rooms: number) {
  const of = (r: number, k: number) => cookies[r * MEMBERS + k]!;
  const roomIndexes = Array.from({ length: rooms }, (_, r) => r);
  return {
    cookies: roomIndexes.flatMap((r) => Array.from({ length: LEAN }, (_, k) => of(r, k))),
    probeCookies: roomIndexes.map((r) => of(r, LEAN)),
    senderCookies: roomIndexes.map((r) => of(r, LEAN + 1)),
  };
}

function plan(quick: boolean, roomIds: number[]): Omit<MessageLoadPlan, 'cookies'> {
  return {
    roomIds,
    leanPerRoom: LEAN,
    probeRooms: roomIds.map((_, i) => i),
    senderSockets: roomIds.length,
    receiverProcesses: 1,
    // The same 2 msg/s per room in quick and full runs; quick has fewer rooms.
    rate: roomIds.length * 2,
    durationMs: quick ? 5_000 : 15_000,
    drainMs: quick ? 5_000 : 15_000,
    warmUpMs: quick ? 1_000 : 3_000,
    textLength: 80,
  };
}

export const smallRooms: Scenario = {
  name: 'small-rooms',
  async run(ctx) {
    const roomCount = ctx.quick ? 200 : 500;
    let natterPlan: Omit<MessageLoadPlan, 'cookies'> | null = null;
    const natter = await withNatter(ctx, 'small-rooms', CHEAP_ACCOUNTS, async (server) => {
      ctx.log(`registering ${roomCount * MEMBERS} users`);
      const users = await registerMany(server.baseUrl, 'small', roomCount * MEMBERS);
      const roomIds = await createRooms(server.baseUrl, users[0]!.cookie, 'Bench room', roomCount);
      natterPlan = plan(ctx.quick, roomIds);
      const cookies = cookiesByRole(
        users.map((u) => u.cookie),
        roomCount,
      );
      return runMessageLoad(server, { ...natterPlan, ...cookies }, ctx.log);
    });
    // The ceiling has no room table: any id names a room, so it gets the same ids.
    const p = natterPlan!;
    const ceiling = await withCeiling(ctx, 'small-rooms', (server) =>
      runMessageLoad(server, { ...p, cookies: [] }, ctx.log),
    );
    return {
      scenario: 'small-rooms',
      db: ctx.db,
      quick: ctx.quick,
      params: {
        rooms: roomCount,
        membersPerRoom: MEMBERS,
        probesPerRoom: 1,
        users: roomCount * MEMBERS,
        offeredRate: p.rate,
        durationMs: p.durationMs,
        drainMs: p.drainMs,
        warmUpMs: p.warmUpMs,
        textLength: p.textLength,
        ceilingWrites: ceilingWrites(),
      },
      natter: strip(natter),
      ceiling: strip(ceiling),
      ratio: messageRatios(natter, ceiling),
      targets: {
        rooms: '500 x 10 at 1000 msg/s',
        p50LatencyMs: '<= 2',
        p99LatencyMs: '<= 10',
        everyMessageStored: 'true',
        throughputVsCeiling: '>= 0.70',
      },
      met: {
        rooms: ctx.quick ? null : atLeast(natter.messagesPerSecond, 1000 * 0.99),
        p50LatencyMs: atMost(natter.latencyMs.p50, 2),
        p99LatencyMs: atMost(natter.latencyMs.p99, 10),
        everyMessageStored: natter.everyMessageStored,
        throughputVsCeiling: atLeast(ratio(natter.messagesPerSecond, ceiling.messagesPerSecond), 0.7),
      },
    };
  },
};
