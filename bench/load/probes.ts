import type WebSocket from 'ws';
import { nowMicros } from '../lib/clock.js';
import { openClient, type ServerFrame, stampOf, subscribeClient } from '../lib/full-client.js';
import { type GeneratorBase, generatorConfig, serveRunner } from '../lib/ipc.js';
import type { ConnectPlan, ProbeReport } from '../lib/load-types.js';

// Latency probes: a few full clients that decode each frame like a browser and take
// receive time − the send time stamped in the text, on the machine-wide monotonic clock.

interface ProbesConfig extends GeneratorBase {
  host: string;
  port: number;
}

const config = generatorConfig<ProbesConfig>();
const clients: WebSocket[] = [];
let latenciesMs: number[] = [];
let messages = 0;
let lost = 0;
let cpu = { usage: process.cpuUsage(), at: performance.now() };

function onFrame(data: WebSocket.RawData): void {
  const now = nowMicros();
  const frame = JSON.parse(data.toString()) as ServerFrame;
  if (frame.type !== 'message' || typeof frame.message !== 'object') return;
  messages++;
  const stamp = stampOf(frame.message.text ?? '');
  if (stamp !== null) latenciesMs.push((now - stamp) / 1000);
}

async function connect(plan: ConnectPlan): Promise<{ connected: number }> {
  for (const [i, roomId] of plan.roomOf.entries()) {
    const ws = await openClient(config.host, config.port, plan.cookies[i % plan.cookies.length]);
    await subscribeClient(ws, roomId);
    ws.on('message', onFrame);
    ws.on('close', () => lost++);
    clients.push(ws);
  }
  return { connected: clients.length };
}

function report(): ProbeReport {
  const usage = process.cpuUsage(cpu.usage);
  const cpuCores = (usage.user + usage.system) / 1000 / (performance.now() - cpu.at);
  return { messages, latenciesMs: latenciesMs.map((ms) => Math.round(ms * 1000) / 1000), lost, cpuCores };
}

serveRunner(config.lifetimeMs, {
  connect,
  report,
  reset: () => {
    latenciesMs = [];
    messages = 0;
    cpu = { usage: process.cpuUsage(), at: performance.now() };
  },
  close: () => {
    for (const ws of clients) ws.terminate();
    clients.length = 0;
  },
});
