import type WebSocket from 'ws';
import { nowMicros, sleep } from '../lib/clock.js';
import { openClient, type ServerFrame } from '../lib/full-client.js';
import { type GeneratorBase, generatorConfig, serveRunner } from '../lib/ipc.js';
import type { ConnectPlan, SendPlan, SendReport } from '../lib/load-types.js';

// Senders: full clients that post at a fixed offered rate (open loop: the schedule does
// not wait for acks) and stamp the send time into each text. Socket i posts to roomOf[i];
// sockets take turns, so the total rate is spread evenly over the rooms.

interface SenderConfig extends GeneratorBase {
  host: string;
  port: number;
  /** Distinguishes clientIds of several sender processes. */
  name: string;
}

interface Outlet {
  ws: WebSocket;
  roomId: number;
}

const config = generatorConfig<SenderConfig>();
const outlets: Outlet[] = [];
const sentAt = new Map<string, number>();
const state = {
  sent: 0,
  acked: 0,
  errors: 0,
  firstError: null as string | null,
  ackLatenciesMs: [] as number[],
  firstSentAt: 0,
  lastSentAt: 0,
  lastAckAt: 0,
  maxLagMs: 0,
  elapsedMs: 0,
};
let cpu = { usage: process.cpuUsage(), at: performance.now() };

function onFrame(data: WebSocket.RawData): void {
  const now = nowMicros();
  const frame = JSON.parse(data.toString()) as ServerFrame;
  if (frame.type !== 'ack' && frame.type !== 'error') return;
  const started = frame.clientId === undefined ? undefined : sentAt.get(frame.clientId);
  if (started === undefined) return;
  sentAt.delete(frame.clientId!);
  if (frame.type === 'ack') {
    state.acked++;
    state.lastAckAt = now;
    state.ackLatenciesMs.push(Math.round(now - started) / 1000);
  } else {
    state.errors++;
    state.firstError ??= `${frame.code}: ${String(frame.message)}`;
  }
}

async function connect(plan: ConnectPlan): Promise<{ connected: number }> {
  for (const [i, roomId] of plan.roomOf.entries()) {
    const ws = await openClient(config.host, config.port, plan.cookies[i % plan.cookies.length]);
    ws.on('message', onFrame);
    outlets.push({ ws, roomId });
  }
  return { connected: outlets.length };
}

function sendOne(seq: number, textLength: number): void {
  const outlet = outlets[seq % outlets.length]!;
  const clientId = `${config.name}-${seq}`;
  const now = nowMicros();
  const text = `bench ${now} ${seq} `.padEnd(textLength, 'x');
  sentAt.set(clientId, now);
  outlet.ws.send(JSON.stringify({ type: 'send', clientId, roomId: outlet.roomId, text }));
  if (state.firstSentAt === 0) state.firstSentAt = now;
  state.lastSentAt = now;
  state.sent++;
}

/** Sends on schedule until the duration or the message budget is used up. */
async function run(plan: SendPlan): Promise<{ sent: number; elapsedMs: number; maxLagMs: number }> {
  const start = performance.now();
  cpu = { usage: process.cpuUsage(), at: start };
  const total = Math.min(plan.maxMessages, Math.floor((plan.rate * plan.durationMs) / 1000));
  while (state.sent < total) {
    const elapsed = performance.now() - start;
    if (elapsed > plan.durationMs + 1000) break; // hard stop even if the loop fell behind
    const due = Math.min(total, Math.floor((elapsed * plan.rate) / 1000) + 1);
    if (due - state.sent > 1)
      state.maxLagMs = Math.max(state.maxLagMs, ((due - state.sent - 1) * 1000) / plan.rate);
    while (state.sent < due) sendOne(state.sent, plan.textLength);
    await sleep(1);
  }
  state.elapsedMs = performance.now() - start;
  return { sent: state.sent, elapsedMs: state.elapsedMs, maxLagMs: state.maxLagMs };
}

/** Waits (bounded) until every message sent has been acked or refused. */
async function settle(arg: { timeoutMs: number }): Promise<{ outstanding: number }> {
  const deadline = Date.now() + arg.timeoutMs;
  while (sentAt.size > 0 && Date.now() < deadline) await sleep(20);
  return { outstanding: sentAt.size };
}

function report(): SendReport {
  const usage = process.cpuUsage(cpu.usage);
  const cpuCores = (usage.user + usage.system) / 1000 / (performance.now() - cpu.at);
  return { ...state, cpuCores };
}

serveRunner(config.lifetimeMs, {
  connect,
  run,
  settle,
  report,
  close: () => {
    for (const { ws } of outlets) ws.terminate();
    outlets.length = 0;
  },
});
