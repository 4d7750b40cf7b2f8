import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { PublicUser, ServerFrame } from '../shared/wire.js';
import type { Outbox } from './outbox.js';
import { textFrame } from './text-frame.js';

/** One open socket and what it is subscribed to. State is per connection, never shared. */
export class Connection {
  readonly rooms = new Set<number>();
  watchingLobby = false;
  /** Heartbeat pings sent since the socket last showed it is alive. */
  missedPings = 0;
  /** Frames sent during this event-loop turn, written together at its end (kept by the Outbox). */
  pending: Buffer[] | null = null;

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    /** The upgraded TCP socket under `ws`; frames are written to it ready-made. */
    private readonly socket: Duplex,
    readonly user: PublicUser,
    readonly sessionId: string,
    private readonly outbox: Outbox,
  ) {}

  send(frame: ServerFrame): void {
    this.sendFrame(textFrame(frame));
  }

  /** Sends a frame made by `textFrame`, possibly shared with other recipients. */
  sendFrame(frame: Buffer): void {
    this.outbox.add(this, frame);
  }

  /** Writes whole frames now; nothing is written once the socket is closing. */
  writeNow(bytes: Buffer): void {
    if (this.ws.readyState === this.ws.OPEN) this.socket.write(bytes);
  }

  /** Closes after the frames already sent to this connection. */
  close(code: number, reason: string): void {
    this.outbox.flushNow(this);
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
