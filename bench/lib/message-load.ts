import { sleep } from './clock.js';
import { callAll, Generator } from './generators.js';
import type { ConnectReport, ProbeReport, ReceiverCounts, SendReport } from './load-types.js';
import { CpuMeter } from './proc.js';
import type { RunningServer } from './servers.js';
import { type LatencySummary, round, summarise } from './stats.js';

// Drives one message load against one server (Natter or the ceiling): lean receivers and
// probes subscribe to rooms, one sender process posts at a fixed offered rate, and the
// figures come from what the receivers counted and the probes timed.

export interface MessageLoadPlan {
  roomIds: number[];
  /** Lean receivers subscribed to each room. */
  leanPerRoom: number;
  /** Rooms that also get one full-client latency probe each (by index into roomIds). */
  probeRooms: number[];
  /** Sender sockets; socket i posts to roomIds[i % roomIds.length]. */
  senderSockets: number;
  receiverProcesses: number;
  rate: number;
  durationMs: number;
  textLength: number;
  /** After the last send, how long to keep waiting for deliveries that are still due. */
  drainMs: number;
  /**
   * Before the measured window, the same load for this long from a sender of its own,
   * not counted: right after thousands of logins the first seconds measure the JIT
   * compiler and the heap growing, not a server that has been running. Its probe
   * latencies are reported apart, as `coldLatencyMs`. Default 0 (none).
   */
  warmUpMs?: number;
  /** Cookie header values for the lean receivers, socket i taking cookies[i % length] (empty for the ceiling). */
  cookies: string[];
  /** The same for the probes and the sender sockets; default: `cookies`. */
  probeCookies?: string[];
  senderCookies?: string[];
}

export interface MessageLoadFigures {
  sent: number;
  acked: number;
  errors: number;
  firstError: string | null;
  stored: number;
  everyMessageStored: boolean;
  deliveriesExpected: number;
  deliveries: number;
  /** Other text frames the lean receivers got during the run (presence, notify, …). */
  otherFramesToReceivers: number;
  /** Messages that reached every subscriber of their room, per second of the run. */
  messagesPerSecond: number | null;
  deliveriesPerSecond: number | null;
  latencyMs: LatencySummary;
  /** Probe latencies during the warm-up (null without one). */
  coldLatencyMs: LatencySummary | null;
  ackLatencyMs: LatencySummary;
  socketsLost: number;
  closeCodes: Record<string, number>;
  serverCpuCores: number | null;
  /** The part of serverCpuCores spent in the kernel (socket writes: one per frame and recipient). */
  serverSystemCores: number | null;
  /** Server CPU per 1,000 messages delivered to every subscriber of their room. */
  serverCpuMsPer1000Messages: number | null;
  generators: {
    receiverCpuCoresMax: number;
    receiverSystemCoresMax: number;
    probeCpuCores: number;
    senderCpuCores: number;
    senderMaxLagMs: number;
  };
}

const LIFETIME_MS = 10 * 60_000;

/** Where a generator process sends its load, and how long it may live. */
const whereOf = (server: RunningServer) => ({
  host: '127.0.0.1',
  port: server.port,
  lifetimeMs: LIFETIME_MS,
});
/** Each sender process gets its own clientId prefix: a reused clientId would be deduplicated. */
let senderSerial = 0;

/** Something else to run while the sender sends (e.g. logins); its answer is returned as `alongside`. */
export type Alongside<T> = () => Promise<T>;

export async function runMessageLoad<T = null>(
  server: RunningServer,
  plan: MessageLoadPlan,
  log: (line: string) => void,
  alongside?: Alongside<T>,
): Promise<MessageLoadFigures & { alongside: T | null }> {
  const where = whereOf(server);
  const receivers = Array.from({ length: plan.receiverProcesses }, () => new Generator('receivers', where));
  const probes = new Generator('probes', where);
  const senderName = `s${process.pid}-${++senderSerial}`;
  const sender = new Generator('sender', { ...where, name: senderName });
  const all = [...receivers, probes, sender];
  try {
    await connectEveryone(plan, receivers, probes, sender, log);
    const cold = plan.warmUpMs
      ? await warmUp({ server, plan, receivers, probes, name: `${senderName}w`, log })
      : null;
    await sleep(500); // let presence broadcasts of the last joins pass before counting
    await callAll(receivers, 'reset');
    await probes.call('reset');
    const cpu = new CpuMeter(server.pid);
    log(`${server.kind}: sending ${plan.rate} msg/s for ${plan.durationMs} ms`);
    const [run, other] = await Promise.all([
      sender.call<{ sent: number }>('run', sendPlan(plan), plan.durationMs + 30_000),
      alongside ? alongside() : null,
    ]);
    const drainUntil = Date.now() + plan.drainMs;
    await sender.call('settle', { timeoutMs: plan.drainMs }, plan.drainMs + 10_000);
    const subscribers = plan.leanPerRoom + plan.probeRooms.length / plan.roomIds.length;
    const expectedLean = run.sent * plan.leanPerRoom;
    const counts = await waitForDeliveries(receivers, expectedLean, drainUntil);
    const serverCpu = cpu.cores();
    const [probe, sent] = [await probes.call<ProbeReport>('report'), await sender.call<SendReport>('report')];
    // Only this run's messages: the sender's clientIds all start with its name.
    const stored = await server.store.count(
      `SELECT COUNT(*) FROM messages WHERE client_id LIKE '${senderName}-%'`,
    );
    return { ...figures({ counts, probe, cold, sent, stored, serverCpu, subscribers }), alongside: other };
  } finally {
    await Promise.all(all.map((g) => g.stop()));
  }
}

async function connectEveryone(
  plan: MessageLoadPlan,
  receivers: Generator[],
  probes: Generator,
  sender: Generator,
  log: (line: string) => void,
): Promise<void> {
  const roomOf = plan.roomIds.flatMap((roomId) => Array<number>(plan.leanPerRoom).fill(roomId));
  const share = Math.ceil(roomOf.length / receivers.length);
  const reports = await Promise.all(
    receivers.map((g, i) =>
      g.call<ConnectReport>('connect', {
        cookies: plan.cookies,
        roomOf: roomOf.slice(i * share, (i + 1) * share),
        concurrency: 50,
        timeoutMs: 60_000,
      }),
    ),
  );
  const failed = reports.reduce((n, r) => n + r.failed, 0);
  if (failed > 0)
    throw new Error(
      `${failed} receivers could not connect: ${reports.find((r) => r.firstError)?.firstError}`,
    );
  await callAll(receivers, 'subscribe', { concurrency: 50, timeoutMs: 30_000 }, 120_000);
  // Probes join last, so they sit at the end of each room's fan-out: they time the slowest delivery.
  const probeRoomIds = plan.probeRooms.map((i) => plan.roomIds[i]!);
  await probes.call('connect', {
    cookies: plan.probeCookies ?? plan.cookies,
    roomOf: probeRoomIds,
    concurrency: 1,
    timeoutMs: 30_000,
  });
  const senderRooms = await connectSender(plan, sender);
  log(`connected ${roomOf.length} receivers, ${probeRoomIds.length} probes, ${senderRooms} sender sockets`);
}

/** Socket i of the sender posts to room i (round robin), as the user of senderCookies[i]. */
async function connectSender(plan: MessageLoadPlan, sender: Generator): Promise<number> {
  const roomOf = Array.from({ length: plan.senderSockets }, (_, i) => plan.roomIds[i % plan.roomIds.length]!);
  await sender.call('connect', {
    cookies: plan.senderCookies ?? plan.cookies,
    roomOf,
    concurrency: 1,
    timeoutMs: 30_000,
  });
  return roomOf.length;
}

interface WarmUp {
  server: RunningServer;
  plan: MessageLoadPlan;
  receivers: Generator[];
  probes: Generator;
  /** The warm-up sender's name (its clientId prefix), apart from the measured sender's. */
  name: string;
  log: (line: string) => void;
}

/**
 * The warm-up: the plan's load for `warmUpMs` from a sender of its own. Answers what the
 * probes timed once every delivery of it is in (or the drain limit passed), so that none
 * of it is counted in the measured window.
 */
async function warmUp({ server, plan, receivers, probes, name, log }: WarmUp): Promise<ProbeReport> {
  const durationMs = plan.warmUpMs ?? 0;
  const warm = new Generator('sender', { ...whereOf(server), name });
  try {
    await connectSender(plan, warm);
    await probes.call('reset');
    log(`${server.kind}: warming up at ${plan.rate} msg/s for ${durationMs} ms`);
    const run = await warm.call<{ sent: number }>(
      'run',
      sendPlan({ ...plan, durationMs }),
      durationMs + 30_000,
    );
    const deadline = Date.now() + plan.drainMs;
    await warm.call('settle', { timeoutMs: plan.drainMs }, plan.drainMs + 10_000);
    await waitForDeliveries(receivers, run.sent * plan.leanPerRoom, deadline);
    const probeDeliveries = (run.sent * plan.probeRooms.length) / plan.roomIds.length;
    return await pollUntil(
      () => probes.call<ProbeReport>('report'),
      (report) => report.messages,
      probeDeliveries,
      deadline,
    );
  } finally {
    await warm.stop();
  }
}

function sendPlan(plan: MessageLoadPlan) {
  const maxMessages = Math.ceil((plan.rate * plan.durationMs) / 1000);
  return { rate: plan.rate, durationMs: plan.durationMs, maxMessages, textLength: plan.textLength };
}

/** Polls the receivers until every expected delivery is in, nothing has moved for 3 s, or the deadline. */
/** Receivers' counts once `expected` deliveries are in (or they stopped coming, or the deadline passed). */
function waitForDeliveries(
  receivers: Generator[],
  expected: number,
  deadline: number,
): Promise<ReceiverCounts[]> {
  return pollUntil(
    () => callAll<ReceiverCounts>(receivers, 'counts'),
    (counts) => counts.reduce((n, c) => n + c.messages, 0),
    expected,
    deadline,
  );
}

/**
 * Reads every 100 ms until what `got` makes of the reading reaches `expected`, nothing
 * has moved for 3 s, or the deadline passes; answers the last reading.
 */
async function pollUntil<T>(
  read: () => Promise<T>,
  got: (reading: T) => number,
  expected: number,
  deadline: number,
): Promise<T> {
  let last = -1;
  let stillSince = Date.now();
  for (;;) {
    const reading = await read();
    const now = got(reading);
    if (now !== last) stillSince = Date.now();
    last = now;
    if (now >= expected || Date.now() - stillSince > 3_000 || Date.now() > deadline) return reading;
    await sleep(100);
  }
}

interface RawFigures {
  counts: ReceiverCounts[];
  probe: ProbeReport;
  /** What the probes timed during the warm-up, if there was one. */
  cold: ProbeReport | null;
  sent: SendReport;
  stored: number;
  serverCpu: { total: number; system: number; seconds: number } | null;
  subscribers: number;
}

function figures(raw: RawFigures): MessageLoadFigures {
  const { counts, probe, sent } = raw;
  const lean = counts.reduce((n, c) => n + c.messages, 0);
  const deliveries = lean + probe.messages;
  const lastAt = Math.max(...counts.map((c) => c.lastMessageAt));
  const spanSeconds = lastAt > sent.firstSentAt ? (lastAt - sent.firstSentAt) / 1e6 : null;
  const deliveriesPerSecond = spanSeconds ? deliveries / spanSeconds : null;
  const messagesPerSecond = deliveriesPerSecond === null ? null : deliveriesPerSecond / raw.subscribers;
  const cpuSeconds = raw.serverCpu?.seconds ?? null;
  const closeCodes: Record<string, number> = {};
  for (const c of counts)
    for (const [code, n] of Object.entries(c.closeCodes)) closeCodes[code] = (closeCodes[code] ?? 0) + n;
  return {
    sent: sent.sent,
    acked: sent.acked,
    errors: sent.errors,
    firstError: sent.firstError,
    stored: raw.stored,
    everyMessageStored: raw.stored === sent.sent && sent.acked === sent.sent,
    deliveriesExpected: Math.round(sent.sent * raw.subscribers),
    deliveries,
    otherFramesToReceivers: counts.reduce((n, c) => n + c.otherTextFrames, 0),
    messagesPerSecond: round(messagesPerSecond, 1),
    deliveriesPerSecond: round(deliveriesPerSecond, 0),
    latencyMs: summarise(probe.latenciesMs),
    coldLatencyMs: raw.cold && summarise(raw.cold.latenciesMs),
    ackLatencyMs: summarise(sent.ackLatenciesMs),
    socketsLost: counts.reduce((n, c) => n + c.lost, 0) + probe.lost,
    closeCodes,
    serverCpuCores: round(raw.serverCpu?.total ?? null),
    serverSystemCores: round(raw.serverCpu?.system ?? null),
    // Per message delivered to its whole room: when the server is overloaded its acks
    // lag far behind its deliveries, so dividing by acks would overstate the cost.
    serverCpuMsPer1000Messages:
      cpuSeconds === null || deliveries === 0
        ? null
        : round((cpuSeconds * 1e6 * raw.subscribers) / deliveries, 1),
    generators: {
      receiverCpuCoresMax: round(Math.max(...counts.map((c) => c.cpuCores))) ?? 0,
      receiverSystemCoresMax: round(Math.max(...counts.map((c) => c.systemCores))) ?? 0,
      probeCpuCores: round(probe.cpuCores) ?? 0,
      senderCpuCores: round(sent.cpuCores) ?? 0,
      senderMaxLagMs: round(sent.maxLagMs) ?? 0,
    },
  };
}
