import type { WebSocket } from 'ws';
import type { PublicUser, ServerFrame } from '../shared/wire.js';

/** One open socket and what it is subscribed to. State is per connection, never shared. */
export class Connection {
  readonly rooms = new Set<number>();
  watchingLobby = false;
  /** Heartbeat pings sent since the socket last showed it is alive. */
  missedPings = 0;

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
}
