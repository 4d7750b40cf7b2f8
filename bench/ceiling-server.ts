import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ServerFrame } from '../src/shared/wire.js';
import { frameJoiner, textFrame } from '../src/ws/text-frame.js';
import { type BatchStore, mysqlBatchStore, type NewRow, sqliteBatchStore } from './lib/ceiling-store.js';
import { endWithRunner } from './lib/lifetime.js';

// The ceiling: what a chat server on this machine can do when it does only the essential
// work of a message — parse the JSON frame, store it (one multi-row INSERT per event-loop
// turn, durable before the ack), ack the sender, and write one pre-built frame buffer to
// each subscriber of the room. No sessions, no validation, no framework. Natter's figures
// are quoted as a share of this server's, measured in the same run with the same load.
//
// Writes of one batch are coalesced: each message becomes one ready-made WebSocket frame
// (the same bytes for every recipient), and each recipient gets one write per batch with
// all of its frames, however many messages the batch carried. BENCH_CEILING_COALESCE=0
// turns that off (one `ws.send` per message and recipient) to measure what it is worth.

interface CeilingConfig {
  port: number;
  sqlitePath?: string;
  mysqlUrl?: string;
  /** A JSON file of path → HTML: pages answered as they are, with no session or rendering. */
  pagesFile?: string;
}

interface Peer {
  ws: WebSocket;
  /** The upgraded TCP socket under `ws` (public: it is what the 'upgrade' event hands over). */
  socket: Duplex;
  user: { id: number; username: string; avatar: string };
  /** Frames for this peer from the batch being delivered. */
  frames: Buffer[];
}

interface Pending extends NewRow {
  peer: Peer;
}

const MAX_BATCH = 500;
const COALESCE = process.env.BENCH_CEILING_COALESCE !== '0';

const config = JSON.parse(process.argv[2] ?? '{}') as CeilingConfig;
const store: BatchStore = config.mysqlUrl
  ? await mysqlBatchStore(config.mysqlUrl)
  : sqliteBatchStore(config.sqlitePath ?? 'ceiling.db');
const rooms = new Map<number, Set<Peer>>();
let queue: Pending[] = [];
let flushing = false;
let peerCount = 0;

const pages = new Map<string, Buffer>(
  Object.entries(
    config.pagesFile ? (JSON.parse(readFileSync(config.pagesFile, 'utf8')) as Record<string, string>) : {},
  ).map(([path, html]) => [path, Buffer.from(html)]),
);

const server = createServer((req, res) => {
  const page = pages.get(req.url ?? '');
  if (page) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length });
    res.end(page);
    return;
  }
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
  res.end('{"status":"ok"}');
});
const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => accept(ws, socket));
});
server.listen(config.port, '127.0.0.1');

function accept(ws: WebSocket, socket: Duplex): void {
  const id = (peerCount++ % 1000) + 1;
  const peer: Peer = {
    ws,
    socket,
    user: { id, username: `user${id}`, avatar: '/avatars/1.svg' },
    frames: [],
  };
  ws.on('message', (data) => onFrame(peer, data.toString()));
  ws.on('close', () => {
    for (const members of rooms.values()) members.delete(peer);
  });
  ws.on('error', () => ws.terminate());
}

function onFrame(peer: Peer, data: string): void {
  const frame = JSON.parse(data) as { type: string; roomId: number; clientId: string; text: string };
  if (frame.type === 'subscribe') {
    let members = rooms.get(frame.roomId);
    if (!members) {
      members = new Set();
      rooms.set(frame.roomId, members);
    }
    members.add(peer);
    peer.ws.send(JSON.stringify({ type: 'presence', roomId: frame.roomId, online: [] }));
  } else if (frame.type === 'send') {
    const row = {
      roomId: frame.roomId,
      fromUserId: peer.user.id,
      text: frame.text,
      clientId: frame.clientId,
    };
    queue.push({ ...row, createdAt: Date.now(), peer });
    if (!flushing) scheduleFlush();
  }
}

function scheduleFlush(): void {
  flushing = true;
  setImmediate(() =>
    flush().catch((err: unknown) => {
      console.error('ceiling: storing a batch failed', err);
      process.exit(1);
    }),
  );
}

/** One INSERT for everything that arrived since the last one; ack and broadcast after commit. */
async function flush(): Promise<void> {
  const batch = queue.length > MAX_BATCH ? queue.splice(0, MAX_BATCH) : queue;
  if (batch === queue) queue = [];
  const ids = await store.insert(batch);
  const recipients = new Set<Peer>();
  for (const [i, pending] of batch.entries()) deliver(pending, ids[i]!, recipients);
  // As Natter's outbox does: peers sent the same frames share one joined buffer.
  const join = frameJoiner();
  for (const peer of recipients) {
    peer.socket.write(join(peer.frames));
    peer.frames = [];
  }
  if (queue.length > 0) scheduleFlush();
  else flushing = false;
}

function deliver(pending: Pending, id: number, recipients: Set<Peer>): void {
  const message = {
    id,
    roomId: pending.roomId,
    toUserId: null,
    from: pending.peer.user,
    text: pending.text,
    attachment: null,
    clientId: pending.clientId,
    createdAt: new Date(pending.createdAt).toISOString(),
  };
  const ack: ServerFrame = { type: 'ack', clientId: pending.clientId, message };
  const frame: ServerFrame = { type: 'message', message };
  if (!COALESCE) {
    pending.peer.ws.send(JSON.stringify(ack));
    const json = JSON.stringify(frame);
    for (const member of rooms.get(pending.roomId) ?? []) if (member !== pending.peer) member.ws.send(json);
    return;
  }
  queueFrame(pending.peer, textFrame(ack), recipients);
  const bytes = textFrame(frame);
  for (const member of rooms.get(pending.roomId) ?? []) {
    if (member !== pending.peer) queueFrame(member, bytes, recipients);
  }
}

function queueFrame(peer: Peer, bytes: Buffer, recipients: Set<Peer>): void {
  peer.frames.push(bytes);
  recipients.add(peer);
}

endWithRunner();
