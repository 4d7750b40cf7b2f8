import type { WebSocket } from 'ws';

/** How often the heartbeat wakes to ping its next few sockets. */
export const HEARTBEAT_TICK_MS = 100;

/** What the heartbeat needs of a connection. */
export interface Pingable {
  /** Pings sent since the socket last showed it is alive (its owner resets it). */
  missedPings: number;
  readonly ws: Pick<WebSocket, 'ping' | 'terminate'>;
}

/**
 * Pings every socket once a round and drops those that left the two pings before
 * unanswered. A round is spread evenly over its ticks, a few sockets each: pinging all
 * of them at once, and reading all their pongs straight after, held the event loop for a
 * burst that showed in the latency of every message sent meanwhile (with 5,000 sockets,
 * 83 % of a 250 ms window and a delay p99 of 13.5 ms, once every interval).
 */
export class Heartbeat {
  private round: Pingable[] = [];
  private next = 0;
  private perTick = 0;
  private ticksLeft = 0;

  constructor(
    private readonly sockets: () => Iterable<Pingable>,
    readonly ticksPerRound: number,
  ) {}

  /** Starts a round when the last one's ticks are used up, then pings the next slice of it. */
  tick(): void {
    if (this.ticksLeft === 0) {
      // Sockets opened during a round wait for the next one.
      this.round = [...this.sockets()];
      this.next = 0;
      this.perTick = Math.ceil(this.round.length / this.ticksPerRound);
      this.ticksLeft = this.ticksPerRound;
    }
    this.ticksLeft--;
    const end = Math.min(this.round.length, this.next + this.perTick);
    for (; this.next < end; this.next++) pingOrDrop(this.round[this.next]!);
    if (this.next === this.round.length) {
      // Done early: let go of sockets that close before the next round.
      this.round = [];
      this.next = 0;
    }
  }
}

function pingOrDrop(conn: Pingable): void {
  if (conn.missedPings >= 2) {
    conn.ws.terminate();
    return;
  }
  conn.missedPings++;
  conn.ws.ping();
}

/** Runs a heartbeat whose rounds last `intervalMs`; returns what stops it. */
export function startHeartbeat(sockets: () => Iterable<Pingable>, intervalMs: number): () => void {
  const heartbeat = new Heartbeat(sockets, Math.max(1, Math.round(intervalMs / HEARTBEAT_TICK_MS)));
  const timer = setInterval(() => heartbeat.tick(), intervalMs / heartbeat.ticksPerRound);
  timer.unref();
  return () => clearInterval(timer);
}
