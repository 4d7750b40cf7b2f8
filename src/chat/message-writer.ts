import type { DataSource } from 'typeorm';
import type { NewMessage } from '../db/message-rows.js';
import { storeBatch, type WriteResult } from './message-batch.js';
import { WriteBatcher } from './write-batcher.js';

export type { WriteResult } from './message-batch.js';

const MAX_BATCH = 500;

/**
 * The single writer of messages. Sends that arrive while the previous batch commits
 * (or in the same event-loop turn) are stored together, with one multi-row INSERT.
 * Batches run one after another, so ids grow in commit order, and callers are
 * answered only after their row is durable.
 */
export class MessageWriter extends WriteBatcher<NewMessage, WriteResult> {
  /** `insertReturning`: whether the database supports `INSERT … RETURNING` (see `supportsInsertReturning`). */
  constructor(db: DataSource, insertReturning: boolean) {
    super((rows) => storeBatch(db, rows, insertReturning), MAX_BATCH);
  }
}
