import WebSocket from 'ws';
import { withDeadline } from './clock.js';

// A complete `ws` client that decodes every frame, as a browser would. Used where the
// content matters: latency probes and senders.

export interface ServerFrame {
  type: string;
  clientId?: string;
  code?: string;
  message?: { text?: string } | string;
}

export async function openClient(host: string, port: number, cookie: string | undefined): Promise<WebSocket> {
  const ws = new WebSocket(`ws://${host}:${port}/ws`, {
    headers: cookie ? { cookie } : {},
    perMessageDeflate: false,
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  await withDeadline(opened, 10_000, 'ws open');
  return ws;
}

/** Subscribes and waits for the server's first answer (presence, or an error). */
export async function subscribeClient(ws: WebSocket, roomId: number): Promise<void> {
  const answered = new Promise<void>((resolve) => ws.once('message', () => resolve()));
  ws.send(JSON.stringify({ type: 'subscribe', roomId }));
  await withDeadline(answered, 10_000, 'subscribe');
}

/** The send time a sender wrote into a message text (`bench <µs> <seq> …`). */
export function stampOf(text: string): number | null {
  if (!text.startsWith('bench ')) return null;
  const stamp = Number(text.slice(6, text.indexOf(' ', 6)));
  return Number.isFinite(stamp) ? stamp : null;
}
