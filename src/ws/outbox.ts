import type { Connection } from './connection.js';
import { frameJoiner, joinFrames } from './text-frame.js';

/**
 * Frames written in one event-loop turn leave together, at the end of the turn: each
 * socket gets one write however many frames it was sent, in the order they were sent,
 * and sockets that were sent the same frames share one buffer. Under load a turn
 * carries more messages, so a write costs less per message just when it matters.
 */
export class Outbox {
  private waiting: Connection[] = [];

  constructor(private readonly maxBufferedBytes: number) {}

  add(conn: Connection, frame: Buffer): void {
    if (conn.pending) {
      conn.pending.push(frame);
      return;
    }
    conn.pending = [frame];
    if (this.waiting.length === 0) setImmediate(this.flush);
    this.waiting.push(conn);
  }

  /** Writes the connection's frames of this turn now (before it closes). */
  flushNow(conn: Connection): void {
    const frames = conn.pending;
    if (!frames) return;
    conn.pending = null;
    conn.writeNow(joinFrames(frames));
  }

  private readonly flush = (): void => {
    const conns = this.waiting;
    this.waiting = [];
    const join = frameJoiner();
    for (const conn of conns) {
      const frames = conn.pending;
      if (!frames) continue; // already written: the connection was closed during the turn
      conn.pending = null;
      conn.writeNow(join(frames));
      // A reader that stopped reading is dropped rather than buffered without end; it
      // catches up from history when it returns.
      if (conn.ws.bufferedAmount > this.maxBufferedBytes) conn.closeSlow();
    }
  };
}
