import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { PublicUser, ServerFrame } from '../../src/shared/wire.js';

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A user's browser, minus the browser: real HTTP with a cookie jar of one session. */
export class HttpClient {
  cookie: string | undefined;
  user: PublicUser | undefined;

  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const res = await fetch(this.baseUrl + path, {
      method,
      redirect: 'manual',
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    let parsed: unknown = text;
    if (res.headers.get('content-type')?.includes('json')) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }

  /** Sends a multipart upload, one field `file`, with the given name and declared type. */
  async upload(path: string, bytes: Uint8Array | string, name: string, type = 'application/octet-stream') {
    const form = new FormData();
    form.append('file', new Blob([typeof bytes === 'string' ? bytes : Buffer.from(bytes)], { type }), name);
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      body: form,
      headers: this.cookie ? { cookie: this.cookie } : {},
    });
    const text = await res.text();
    const body = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body, text };
  }

  async register(
    username = `user${randomUUID().slice(0, 8)}`,
    password = 'correct horse battery',
  ): Promise<PublicUser> {
    const reply = await this.post('/api/register', { username, password });
    if (reply.status !== 201) throw new Error(`register failed: ${reply.status} ${reply.text}`);
    this.user = reply.body.user;
    return this.user!;
  }

  async login(username: string, password: string): Promise<Reply> {
    const reply = await this.post('/api/login', { username, password });
    if (reply.status === 200) this.user = reply.body.user;
    return reply;
  }

  socket(wsUrl: string, headers: Record<string, string> = {}): Promise<ChatSocket> {
    return ChatSocket.open(wsUrl, { ...(this.cookie ? { cookie: this.cookie } : {}), ...headers });
  }
}

/** A real ws client that records every frame and lets a test wait for the one it expects. */
export class ChatSocket {
  readonly frames: ServerFrame[] = [];
  private waiters: { match(f: ServerFrame): boolean; resolve(f: ServerFrame): void }[] = [];
  closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static open(url: string, headers: Record<string, string>): Promise<ChatSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const socket = new ChatSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first frame of a type (already received or next) that matches; fails after a timeout. */
  next<T extends ServerFrame['type']>(
    type: T,
    match: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const test = (f: ServerFrame) => f.type === type && match(f as Extract<ServerFrame, { type: T }>);
    return this.waitFor(test, timeoutMs, `${type} frame`) as Promise<Extract<ServerFrame, { type: T }>>;
  }

  /** Takes the first frame (already received or next) that matches; fails after a timeout. */
  waitFor(test: (f: ServerFrame) => boolean, timeoutMs: number, what: string): Promise<ServerFrame> {
    const seen = this.frames.find(test);
    if (seen) {
      this.frames.splice(this.frames.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        match: test,
        resolve: (f: ServerFrame) => {
          clearTimeout(timer);
          this.frames.splice(this.frames.indexOf(f), 1);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The ack or the error frame that answers the send with this clientId. */
  outcome(clientId: string, timeoutMs = 5000) {
    return this.waitFor(
      (f) => (f.type === 'ack' || f.type === 'error') && f.clientId === clientId,
      timeoutMs,
      `answer to ${clientId}`,
    ) as Promise<Extract<ServerFrame, { type: 'ack' | 'error' }>>;
  }

  /** Sends a message and waits for its ack; an error frame for it fails at once with its code. */
  async say(
    target: { roomId: number } | { toUserId: number },
    text: string,
    clientId: string = randomUUID(),
    timeoutMs = 5000,
  ) {
    this.send({ type: 'send', clientId, text, ...target });
    const reply = await this.outcome(clientId, timeoutMs);
    if (reply.type === 'error') throw new Error(`send refused: ${reply.code}: ${reply.message}`);
    return reply.message;
  }

  async subscribe(roomId: number) {
    this.send({ type: 'subscribe', roomId });
    return this.next('presence', (f) => f.roomId === roomId);
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

/** A new HttpClient with a freshly registered account (a random name unless given). */
export async function signedUp(server: { url: string }, name?: string): Promise<HttpClient> {
  const client = new HttpClient(server.url);
  await client.register(name);
  return client;
}
