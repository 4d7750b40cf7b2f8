import type { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../db/dialect.js';
import { MessageEntity, type MessageRow } from '../db/entities.js';
import { AppError } from './errors.js';

export type NewMessage = Omit<MessageRow, 'id'>;

export interface WriteResult {
  row: MessageRow;
  /** False when the sender had already stored a message with this clientId. */
  created: boolean;
}

interface Pending {
  row: NewMessage;
  resolve(result: WriteResult): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 500;

/**
 * The single writer of messages. Sends that arrive in the same event-loop turn are
 * committed in one transaction, and batches run one after another, so ids grow in
 * commit order and callers are answered only after their row is durable.
 */
export class MessageWriter {
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly db: DataSource) {}

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
        const results = await this.db.transaction((em) => insertAll(em, batch));
        for (const [i, pending] of batch.entries()) {
          const result = results[i]!;
          if (result instanceof AppError) pending.reject(result);
          else pending.resolve(result);
        }
      } catch (err) {
        for (const pending of batch) pending.reject(err);
      }
    }
    this.running = null;
  }
}

/** Inserts each row; a unique violation is a resend (same clientId) or an attachment already used. */
async function insertAll(em: EntityManager, batch: Pending[]): Promise<(WriteResult | AppError)[]> {
  const results: (WriteResult | AppError)[] = [];
  for (const { row } of batch) {
    try {
      const inserted = await em.insert(MessageEntity, row);
      results.push({ row: { ...row, id: Number(inserted.identifiers[0]!.id) }, created: true });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await em.findOneBy(MessageEntity, {
        fromUserId: row.fromUserId,
        clientId: row.clientId,
      });
      results.push(
        existing
          ? { row: existing, created: false }
          : new AppError('ATTACHMENT_IN_USE', 409, 'That file is already in another message.'),
      );
    }
  }
  return results;
}
