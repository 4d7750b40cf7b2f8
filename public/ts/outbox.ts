// The outbox: nothing typed is lost. A message shows as pending at once, goes out when the
// socket allows, and stays pending until the server acks it; after a reconnect or a
// temporary refusal it is re-sent with the same client id, so the server never stores it twice.
// Until acked it is also kept in the browser (UnsentStore), so leaving the page does not lose it.

import type { Attachment, ClientFrame, SendTarget } from '../../src/shared/wire.js';
import type { Connection } from './connection.js';
import type { Timeline } from './timeline.js';
import type { UnsentStore } from './unsent-store.js';

/** No ack this long after a send: check that the socket still answers (a dead one is replaced). */
const ACK_PROBE_MS = 8_000;
/** Still no ack although the socket answers: the message is marked failed, with "Retry". */
const ACK_FAIL_MS = 25_000;
/** Send errors worth retrying by themselves, with the same client id. */
const RETRYABLE = new Set(['RATE_LIMITED', 'UNAVAILABLE']);

/** The part of the timeline that shows pending messages (and so also remembers them). */
export type PendingMessages = Pick<
  Timeline,
  'addPending' | 'pendingMessage' | 'pendingIds' | 'hasPending' | 'markFailed' | 'markPending' | 'showsStored'
>;

export interface OutboxDeps {
  pending: PendingMessages;
  connection: Pick<Connection, 'send' | 'probe'>;
  target: SendTarget;
  unsent: Pick<UnsentStore, 'all' | 'add' | 'remove'>;
  /** After the user clicks "Retry" (e.g. to put the focus back in the composer). */
  onRetry: () => void;
}

/** A client-made id for a message; randomUUID needs a secure context, so fall back on getRandomValues. */
function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Outbox {
  private readonly ackTimers = new Map<string, number>();
  /** After RATE_LIMITED or UNAVAILABLE the whole outbox waits, then goes out again in order. */
  private pausedUntil = 0;
  private pauseRound = 0;
  private flushTimer: number | undefined;
  /** Client ids already sent over the current socket (a resend after reconnect skips them). */
  private readonly sentOnSocket = new Set<string>();

  /** Shows what an earlier page left unsent as pending; it goes out once the socket opens. */
  constructor(private readonly deps: OutboxDeps) {
    for (const { clientId, text, attachment } of deps.unsent.all()) {
      if (deps.pending.showsStored(clientId)) deps.unsent.remove(clientId);
      else deps.pending.addPending(clientId, text, attachment);
    }
  }

  /** Shows a message as pending at once and sends it when the socket allows. */
  enqueue(text: string, attachment: Attachment | null): void {
    const clientId = newClientId();
    this.deps.pending.addPending(clientId, text, attachment);
    this.deps.unsent.add({ clientId, text, attachment });
    this.transmit(clientId);
  }

  /** A new socket is open: nothing has been sent over it yet. */
  socketOpened(): void {
    this.sentOnSocket.clear();
  }

  /** Sends every pending message the current socket has not carried yet (same client ids). */
  resendUnsent(): void {
    for (const clientId of this.deps.pending.pendingIds()) {
      if (!this.sentOnSocket.has(clientId)) this.transmit(clientId);
    }
  }

  /** The socket is down: acks cannot come, and the reconnect re-sends everything anyway. */
  socketLost(): void {
    for (const timer of this.ackTimers.values()) window.clearTimeout(timer);
    this.ackTimers.clear();
  }

  /** The server stored the message: it is no longer waiting, and the server takes messages again. */
  acked(clientId: string): void {
    this.confirmed(clientId);
    this.pauseRound = 0;
  }

  /** The message shows as stored (its ack, catch-up or a live copy): nothing more to send. */
  confirmed(clientId: string): void {
    this.clearAckTimer(clientId);
    this.deps.unsent.remove(clientId);
  }

  /**
   * The server refused a send. Returns false when the error is not about one of our pending
   * messages (the caller shows it elsewhere).
   */
  rejected(clientId: string | undefined, code: string, reason: string): boolean {
    if (!clientId || !this.deps.pending.hasPending(clientId)) return false;
    this.clearAckTimer(clientId);
    if (RETRYABLE.has(code)) {
      this.pause();
      return true;
    }
    // Refused for good: it stays on this page with "Retry", but is not brought back to later ones.
    this.deps.unsent.remove(clientId);
    this.deps.pending.markFailed(clientId, reason, () => this.retry(clientId));
    return true;
  }

  /** Sends (or re-sends, with the same client id) a pending message; queued while the socket is down. */
  private transmit(clientId: string): void {
    const pending = this.deps.pending.pendingMessage(clientId);
    if (!pending || Date.now() < this.pausedUntil) return;
    const frame: ClientFrame = {
      type: 'send',
      clientId,
      ...this.deps.target,
      ...(pending.text !== '' ? { text: pending.text } : {}),
      ...(pending.attachment ? { attachmentId: pending.attachment.id } : {}),
    };
    if (!this.deps.connection.send(frame)) return;
    this.sentOnSocket.add(clientId);
    this.clearAckTimer(clientId);
    // A late ack first makes us check the socket (a dead one is replaced and the message re-sent);
    // only a socket that answers but never acks gets the message marked failed.
    this.ackTimers.set(
      clientId,
      window.setTimeout(() => {
        this.deps.connection.probe();
        this.ackTimers.set(
          clientId,
          window.setTimeout(() => {
            this.ackTimers.delete(clientId);
            this.deps.pending.markFailed(clientId, 'no reply from the server.', () => this.retry(clientId));
          }, ACK_FAIL_MS - ACK_PROBE_MS),
        );
      }, ACK_PROBE_MS),
    );
  }

  private retry(clientId: string): void {
    const message = this.deps.pending.pendingMessage(clientId);
    if (message) this.deps.unsent.add({ clientId, ...message });
    this.deps.pending.markPending(clientId);
    this.transmit(clientId);
    this.deps.onRetry();
  }

  /**
   * RATE_LIMITED or UNAVAILABLE: the messages stay pending; nothing is sent for a growing,
   * jittered pause, then every pending message goes out again, oldest first (same client ids).
   */
  private pause(): void {
    if (Date.now() < this.pausedUntil) return;
    const ceiling = Math.min(15_000, 1000 * 2 ** this.pauseRound);
    this.pauseRound++;
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.pausedUntil = Date.now() + delay;
    window.clearTimeout(this.flushTimer);
    this.flushTimer = window.setTimeout(() => {
      this.pausedUntil = 0;
      for (const clientId of this.deps.pending.pendingIds()) this.transmit(clientId);
    }, delay);
  }

  private clearAckTimer(clientId: string): void {
    const timer = this.ackTimers.get(clientId);
    if (timer !== undefined) window.clearTimeout(timer);
    this.ackTimers.delete(clientId);
  }
}
