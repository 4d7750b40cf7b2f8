import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { PublicUser, ServerFrame } from '../shared/wire.js';

/** One open socket and what it is subscribed to. State is per connection, never shared. */
export class Connection {
  readonly rooms = new Set<number>();
  watchingLobby = false;
  /** Heartbeat pings sent since the socket last showed it is alive. */
  missedPings = 0;
  /** True while this turn's frames are held back, to leave in one write. */
  corked = false;

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    readonly user: PublicUser,
    readonly sessionId: string,
  ) {}

  /** Writes an already-serialised text frame. */
  sendRaw(data: Buffer): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(data, { binary: false });
  }

  cork(): void {
    this.corked = true;
    this.socket()?.cork();
  }

  uncork(): void {
    this.corked = false;
    this.socket()?.uncork();
  }

  send(frame: ServerFrame): void {
    this.sendRaw(Buffer.from(JSON.stringify(frame)));
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      this.ws.close(code, reason);
    }
  }

  /**
   * Closes a socket whose peer stopped reading. The close frame waits behind the unsent
   * bytes, so the socket is cut off if it is not gone soon, freeing its buffers.
   */
  closeSlow(): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.close(1013, 'Too slow; reconnect to catch up');
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }

  private socket(): Socket | undefined {
    return (this.ws as unknown as { _socket?: Socket })._socket;
  }
}
