import type { LatencySummary } from './stats.js';

// What the runner and the load generators say to each other (the arguments and answers
// of the IPC commands).

export interface ConnectPlan {
  /** Cookie header values; socket i uses cookies[i % cookies.length]. */
  cookies: string[];
  /** Room each socket subscribes to (0: none). Its length is the number of sockets. */
  roomOf: number[];
  /** Upgrades in flight at once. */
  concurrency: number;
  timeoutMs: number;
}

export interface ConnectReport {
  connected: number;
  failed: number;
  firstError: string | null;
  elapsedMs: number;
  upgrade: LatencySummary;
}

export interface ReceiverCounts {
  sockets: number;
  messages: number;
  otherTextFrames: number;
  bytes: number;
  /** Monotonic µs (see clock.ts); 0 when nothing arrived. */
  firstMessageAt: number;
  lastMessageAt: number;
  lost: number;
  closeCodes: Record<string, number>;
  /** Cores this generator used since the last reset: near 1.0 would mean it was the bottleneck. */
  cpuCores: number;
  /** The part of cpuCores spent in the kernel (socket reads, TCP acks). */
  systemCores: number;
  memoryRssKb: number;
}

export interface ProbeReport {
  messages: number;
  /** Send → receive, ms, one per message received by any probe. */
  latenciesMs: number[];
  lost: number;
  cpuCores: number;
}

export interface SendPlan {
  /** Messages per second over all sockets of this sender. */
  rate: number;
  durationMs: number;
  /** Stop after this many even if time is left. */
  maxMessages: number;
  /** Length the text is padded to, in characters. */
  textLength: number;
}

export interface SendReport {
  sent: number;
  acked: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  /** How far the send loop fell behind its schedule at worst (generator health). */
  maxLagMs: number;
  /** Send → ack, ms. */
  ackLatenciesMs: number[];
  firstSentAt: number;
  lastSentAt: number;
  lastAckAt: number;
  cpuCores: number;
}

export interface HttpPlan {
  cookie: string;
  /** Paths requested in turn; `{before}` is replaced by a random id in [1, maxId]. */
  paths: string[];
  maxId: number;
  connections: number;
  durationMs: number;
  maxRequests: number;
  /** Paced at this many requests per second instead of a closed loop. */
  ratePerSecond?: number;
}

export interface HttpReport {
  requests: number;
  ok: number;
  statuses: Record<string, number>;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  latenciesMs: number[];
  bytes: number;
  cpuCores: number;
}
