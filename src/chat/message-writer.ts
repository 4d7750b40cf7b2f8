import type { DataSource } from 'typeorm';
import { type NewMessage, storeBatch, type WriteResult } from './message-batch.js';

export type { NewMessage, WriteResult } from './message-batch.js';

interface Pending {
  row: NewMessage;
  resolve(result: WriteResult): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 500;

/**
 * The single writer of messages. Sends that arrive while the previous batch commits
 * (or in the same event-loop turn) are stored together, with one multi-row INSERT.
 * Batches run one after another, so ids grow in commit order, and callers are
 * answered only after their row is durable.
 */
export class MessageWriter {
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;

  /** `insertReturning`: whether the database supports `INSERT … RETURNING` (see `supportsInsertReturning`). */
  constructor(
    private readonly db: DataSource,
    private readonly insertReturning: boolean,
  ) {}

  write(row: NewMessage): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.running ??= new Promise<void>((done) => setImmediate(done)).then(() => this.drain());
    });
  }

  /** Resolves once every queued write has committed or failed. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const outcomes = await storeBatch(
          this.db,
          batch.map((pending) => pending.row),
          this.insertReturning,
        );
        for (const [i, pending] of batch.entries()) {
          const outcome = outcomes[i]!;
          if (outcome instanceof Error) pending.reject(outcome);
          else pending.resolve(outcome);
        }
      } catch (err) {
        for (const pending of batch) pending.reject(err);
      }
    }
    this.running = null;
  }
}
