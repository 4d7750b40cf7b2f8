import { nowMicros } from '../lib/clock.js';
import { type GeneratorBase, generatorConfig, serveRunner } from '../lib/ipc.js';
import { FrameCounters, LeanSocket } from '../lib/lean-socket.js';
import type { ConnectPlan, ConnectReport, ReceiverCounts } from '../lib/load-types.js';
import { summarise } from '../lib/stats.js';

// Lean receivers: many raw sockets per process that count message frames without
// decoding them. Their job is to be cheap, so the server stays the bottleneck.

interface ReceiversConfig extends GeneratorBase {
  host: string;
  port: number;
}

const config = generatorConfig<ReceiversConfig>();
const counters = new FrameCounters();
const sockets: { socket: LeanSocket; roomId: number }[] = [];
const startCpu = { usage: process.cpuUsage(), at: performance.now() };

async function connect(plan: ConnectPlan): Promise<ConnectReport> {
  const started = nowMicros();
  const upgradeMs: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  let next = 0;
  const deadline = Date.now() + plan.timeoutMs;
  const worker = async () => {
    while (next < plan.roomOf.length && Date.now() < deadline) {
      const index = next++;
      const socket = new LeanSocket(counters);
      const cookie = plan.cookies[index % plan.cookies.length];
      const t0 = nowMicros();
      try {
        await socket.connect({ host: config.host, port: config.port, cookie }, plan.timeoutMs);
        upgradeMs.push((nowMicros() - t0) / 1000);
        sockets.push({ socket, roomId: plan.roomOf[index]! });
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  const elapsedMs = (nowMicros() - started) / 1000;
  return { connected: upgradeMs.length, failed, firstError, elapsedMs, upgrade: summarise(upgradeMs) };
}

/** Subscribes every socket that has a room, a window at a time, waiting for each answer. */
async function subscribe(arg: { concurrency: number; timeoutMs: number }): Promise<{ subscribed: number }> {
  const todo = sockets.filter((s) => s.roomId > 0);
  let next = 0;
  let subscribed = 0;
  const worker = async () => {
    while (next < todo.length) {
      const { socket, roomId } = todo[next++]!;
      const answered = socket.nextTextFrame(arg.timeoutMs);
      socket.sendText(JSON.stringify({ type: 'subscribe', roomId }));
      await answered;
      subscribed++;
    }
  };
  await Promise.all(Array.from({ length: arg.concurrency }, worker));
  return { subscribed };
}

function counts(): ReceiverCounts {
  const usage = process.cpuUsage(startCpu.usage);
  const elapsedMs = performance.now() - startCpu.at;
  return {
    sockets: sockets.length,
    messages: counters.messages,
    otherTextFrames: counters.otherTextFrames,
    bytes: counters.bytes,
    firstMessageAt: counters.firstMessageAt,
    lastMessageAt: counters.lastMessageAt,
    lost: counters.lost,
    closeCodes: counters.closeCodes,
    cpuCores: (usage.user + usage.system) / 1000 / elapsedMs,
    systemCores: usage.system / 1000 / elapsedMs,
    memoryRssKb: Math.round(process.memoryUsage.rss() / 1024),
  };
}

serveRunner(config.lifetimeMs, {
  connect,
  subscribe,
  counts,
  reset: () => {
    counters.reset();
    startCpu.usage = process.cpuUsage();
    startCpu.at = performance.now();
  },
  close: () => {
    for (const { socket } of sockets) socket.close();
    sockets.length = 0;
  },
});
