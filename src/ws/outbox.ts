import type { Connection } from './connection.js';
import { frameJoiner, joinFrames } from './text-frame.js';

/**
 * Sockets written before the event loop may take in I/O again, where the database answers
 * commits as I/O (MySQL). A broadcast to a large room is then written in slices of this
 * many sockets, so a batch's commit is taken in between instead of after the last socket.
 */
export const SOCKETS_PER_SLICE = 250;

/**
 * Frames sent from one callback leave together once it is done: the callback (an event
 * on a socket, or a batch's commit) and every promise job it set off, such as the
 * deliveries of all the messages the batch stored, run first; then each socket gets one
 * write however many frames it was sent, in the order they were sent, and sockets that
 * were sent the same frames share one buffer. Sockets are written in the order they were
 * first sent something: the first slice at once, before the event loop moves on, and
 * any more after the loop has looked at I/O once per slice. Frames sent meanwhile to a
 * socket still waiting join its write; other sockets join the queue, behind the slices
 * left (so in a room of thousands, an ack may wait a few turns). Under load a write
 * carries more frames, so it costs less per message just when it matters.
 */
export class Outbox {
  private waiting: Connection[] = [];
  private flushQueued = false;

  /**
   * `socketsPerSlice`: Infinity where commits are not I/O (SQLite commits on the event
   * loop): there, slices only let in more, smaller batches, each with its own disk flush.
   */
  constructor(
    private readonly maxBufferedBytes: number,
    private readonly socketsPerSlice = SOCKETS_PER_SLICE,
  ) {}

  add(conn: Connection, frame: Buffer): void {
    if (conn.pending) {
      conn.pending.push(frame);
      return;
    }
    conn.pending = [frame];
    this.waiting.push(conn);
    if (this.flushQueued) return;
    this.flushQueued = true;
    // A tick queued from a promise job runs once every pending promise job has run.
    process.nextTick(this.flush);
  }

  /** Writes the connection's frames of this turn now (before it closes). */
  flushNow(conn: Connection): void {
    const frames = conn.pending;
    if (!frames) return;
    conn.pending = null;
    conn.writeNow(joinFrames(frames));
  }

  private readonly flush = (): void => {
    const conns = this.waiting.splice(0, this.socketsPerSlice);
    const join = frameJoiner();
    for (const conn of conns) {
      const frames = conn.pending;
      if (!frames) continue; // already written: the connection was closed meanwhile
      conn.pending = null;
      conn.writeNow(join(frames));
      // A reader that stopped reading is dropped rather than buffered without end; it
      // catches up from history when it returns.
      if (conn.ws.bufferedAmount > this.maxBufferedBytes) conn.closeSlow();
    }
    if (this.waiting.length > 0) setImmediate(this.flush);
    else this.flushQueued = false;
  };
}
