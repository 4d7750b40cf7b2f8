import type { Connection } from './connection.js';
import { frameJoiner, joinFrames } from './text-frame.js';

/**
 * Frames sent from one callback leave together once it is done: the callback (an event
 * on a socket, or a batch's commit) and every promise job it set off, such as the
 * deliveries of all the messages the batch stored, run first; then each socket gets one
 * write however many frames it was sent, in the order they were sent, and sockets that
 * were sent the same frames share one buffer. The write happens before the event loop
 * moves on to other sockets or timers, so a message does not wait a turn of the loop.
 * Under load a batch carries more messages, so a write costs less per message just when
 * it matters.
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
    // A tick queued from a promise job runs once every pending promise job has run.
    if (this.waiting.length === 0) process.nextTick(this.flush);
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
