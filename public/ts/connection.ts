// The one WebSocket of a page: heartbeat, dead-socket detection, reconnect with capped
// exponential backoff and jitter, and the close codes the server uses.

import type { ClientFrame, ServerFrame } from '../../src/shared/wire.js';

export type ConnectionState = 'connecting' | 'open' | 'down';

export interface ConnectionHandlers {
  /** Every frame from the server, parsed. */
  onFrame(frame: ServerFrame): void;
  /** The socket is open; `reconnected` is false for the page's first connection. */
  onOpen(reconnected: boolean): void;
  /** State changes, for a status banner. */
  onState?(state: ConnectionState): void;
  /** The session is gone (closed with 4001, or the upgrade is refused for want of a login). */
  onLoggedOut?(): void;
}

export interface ConnectionOptions {
  url?: string;
  pingEveryMs?: number;
  deadAfterMs?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** Close codes the server sends. */
export const CLOSE = {
  goingAway: 1001,
  policy: 1008,
  tooBig: 1009,
  tryAgainLater: 1013,
  loggedOut: 4001,
} as const;

export function socketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

export class Connection {
  private ws: WebSocket | null = null;
  private state: ConnectionState = 'connecting';
  private everOpened = false;
  private attempt = 0;
  private lastFrameAt = 0;
  private pingTimer: number | undefined;
  private watchdog: number | undefined;
  private retryTimer: number | undefined;
  private probeTimer: number | undefined;
  private stopped = false;
  private readonly url: string;
  private readonly pingEveryMs: number;
  private readonly deadAfterMs: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly handlers: ConnectionHandlers,
    options: ConnectionOptions = {},
  ) {
    this.url = options.url ?? socketUrl();
    this.pingEveryMs = options.pingEveryMs ?? 20_000;
    this.deadAfterMs = options.deadAfterMs ?? 45_000;
    this.minDelayMs = options.minDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 15_000;
  }

  start(): void {
    window.addEventListener('online', () => this.reconnectNow());
    // The browser knows the network is gone before any heartbeat does: give the socket up now,
    // so what is typed meanwhile waits as pending and goes out on the next connection.
    window.addEventListener('offline', () => {
      if (this.stopped) return;
      if (this.ws) this.drop();
      // Tell the page even when the state stays "down": its banner says why.
      this.handlers.onState?.(this.state);
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.checkAlive();
    });
    // Leaving the page is not a connection problem: do not flash the banner on the way out.
    window.addEventListener('pagehide', () => this.stop());
    window.addEventListener('pageshow', (event) => {
      if (!event.persisted) return;
      this.stopped = false;
      this.connect();
    });
    this.connect();
  }

  get isOpen(): boolean {
    return this.state === 'open' && this.ws?.readyState === WebSocket.OPEN;
  }

  /** Sends a frame if the socket is open; returns false when it is not (the caller keeps it for later). */
  send(frame: ClientFrame): boolean {
    if (!this.isOpen || !this.ws) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /**
   * Checks that the open socket still answers: a ping, and if nothing at all comes back
   * within `withinMs`, the socket is given up and a new one started (used when an ack is late).
   */
  probe(withinMs = 5_000): void {
    if (!this.isOpen || this.probeTimer !== undefined) return;
    const sentAt = Date.now();
    this.send({ type: 'ping' });
    this.probeTimer = window.setTimeout(() => {
      this.probeTimer = undefined;
      if (this.isOpen && this.lastFrameAt < sentAt) this.drop();
    }, withinMs);
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    window.clearTimeout(this.retryTimer);
    this.ws?.close(1000, 'Page closed');
  }

  private connect(): void {
    if (this.stopped) return;
    window.clearTimeout(this.retryTimer);
    this.setState(this.everOpened ? 'down' : 'connecting');
    // The browser says there is no network: wait for its "online" event (and look again now and then).
    if (navigator.onLine === false) {
      this.retryTimer = window.setTimeout(() => this.connect(), this.maxDelayMs);
      return;
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      opened = true;
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.lastFrameAt = Date.now();
      this.setState('open');
      this.startTimers();
      this.handlers.onOpen(reconnected);
    });
    ws.addEventListener('message', (event) => {
      if (this.ws !== ws) return;
      this.lastFrameAt = Date.now();
      // The connection proved itself; the next failure starts the backoff afresh.
      this.attempt = 0;
      if (typeof event.data !== 'string') return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(event.data) as ServerFrame;
      } catch {
        return;
      }
      this.handlers.onFrame(frame);
    });
    ws.addEventListener('close', (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.clearTimers();
      if (this.stopped) return;
      if (event.code === CLOSE.loggedOut) {
        this.stopped = true;
        this.handlers.onLoggedOut?.();
        return;
      }
      this.setState('down');
      if (!opened) void this.checkSession();
      // The server going away or asking us to slow down: come back, but not all at once.
      const floor = event.code === CLOSE.policy || event.code === CLOSE.tooBig ? 5_000 : 0;
      this.scheduleReconnect(floor);
    });
  }

  /** A refused upgrade looks like any network failure; ask the API whether we are still logged in. */
  private async checkSession(): Promise<void> {
    try {
      const res = await fetch('/api/me', {
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
      });
      if (res.status === 401 && !this.stopped) {
        this.stop();
        this.handlers.onLoggedOut?.();
      }
    } catch {
      // Offline: keep retrying the socket.
    }
  }

  private scheduleReconnect(floorMs = 0): void {
    if (this.stopped) return;
    window.clearTimeout(this.retryTimer);
    const ceiling = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** this.attempt);
    this.attempt++;
    // "Equal jitter": at least half the backoff, plus a random share of the rest.
    const delay = Math.max(floorMs, ceiling / 2 + Math.random() * (ceiling / 2));
    this.retryTimer = window.setTimeout(() => this.connect(), delay);
  }

  /** Reconnects at once (the browser says the network is back). */
  private reconnectNow(): void {
    if (this.stopped || this.isOpen) return;
    this.attempt = 0;
    this.ws?.close();
    this.ws = null;
    this.connect();
  }

  private checkAlive(): void {
    if (this.stopped) return;
    if (this.ws && this.state === 'open' && Date.now() - this.lastFrameAt > this.deadAfterMs) {
      this.drop();
    } else if (!this.ws) {
      this.reconnectNow();
    }
  }

  /** Gives up on a socket that stopped answering and starts over. */
  private drop(): void {
    const ws = this.ws;
    this.ws = null;
    this.clearTimers();
    ws?.close(4000, 'No heartbeat');
    this.setState('down');
    this.scheduleReconnect();
  }

  private startTimers(): void {
    this.clearTimers();
    this.pingTimer = window.setInterval(() => this.send({ type: 'ping' }), this.pingEveryMs);
    this.watchdog = window.setInterval(() => this.checkAlive(), Math.min(5_000, this.deadAfterMs / 3));
  }

  private clearTimers(): void {
    window.clearInterval(this.pingTimer);
    window.clearInterval(this.watchdog);
    window.clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.handlers.onState?.(state);
  }
}
