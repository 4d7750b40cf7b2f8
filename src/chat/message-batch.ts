import { isUniqueViolation } from '../db/dialect.js';
import type { MessageRow } from '../db/entities.js';
import { MESSAGE_COLUMNS, messageFromRow, type StoredMessageRow } from '../db/message-rows.js';
import { AppError } from './errors.js';
import { asError } from './write-batcher.js';

export type NewMessage = Omit<MessageRow, 'id'>;

export interface WriteResult {
  row: MessageRow;
  /** False when the sender had already stored a message with this clientId. */
  created: boolean;
}

/** What one send in a batch gets: its stored row, or the error that refused it. */
export type BatchOutcome = WriteResult | Error;

/** What a batch needs of the database: TypeORM's DataSource, or a wrapper around it. */
export interface SqlRunner {
  // biome-ignore lint/suspicious/noExplicitAny: rows come back untyped from either driver
  query(sql: string, parameters: unknown[]): Promise<any>;
}

const ROW_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?)';
/** Keeps each lookup's OR chain well inside SQLite's expression depth limit. */
const LOOKUP_CHUNK = 100;

/**
 * Stores a batch with one multi-row INSERT, atomic and durable on its own (no explicit
 * transaction: on MySQL that saves three round trips per batch). The new ids come back
 * from the INSERT itself where the database supports `RETURNING` (SQLite, MariaDB 10.5+),
 * else from a lookup by (sender, clientId). Results are in batch order; an outcome that
 * is an Error fails that one send.
 */
export async function storeBatch(
  runner: SqlRunner,
  batch: NewMessage[],
  returning: boolean,
): Promise<BatchOutcome[]> {
  const insert = `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES ${batch.map(() => ROW_PLACEHOLDERS).join(', ')}`;
  let inserted: unknown;
  try {
    inserted = await runner.query(
      returning ? `${insert} RETURNING id, from_user_id, client_id` : insert,
      batch.flatMap(valuesOf),
    );
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return storeOneByOne(runner, batch);
  }
  // RETURNING's row order is not promised, so rows are matched by their unique key.
  const ids = new Map<string, number>();
  if (returning && Array.isArray(inserted)) {
    for (const row of inserted as StoredKey[])
      ids.set(keyOf(Number(row.from_user_id), row.client_id), Number(row.id));
  }
  if (ids.size !== batch.length) {
    for (const [key, row] of await findBySenderAndClientId(runner, batch)) ids.set(key, row.id);
  }
  return batch.map((row) => ({
    row: { ...row, id: ids.get(keyOf(row.fromUserId, row.clientId))! },
    created: true,
  }));
}

interface StoredKey {
  id: number;
  from_user_id: number;
  client_id: string;
}

/**
 * The slow path, for a batch the unique indexes refused as a whole (and so stored none
 * of): a resend of a stored message, the same clientId twice in the batch, or an
 * attachment already in another message. A resend is answered with the first copy.
 */
async function storeOneByOne(runner: SqlRunner, batch: NewMessage[]): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = [];
  for (const row of batch) {
    try {
      let created = true;
      try {
        await runner.query(
          `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES ${ROW_PLACEHOLDERS}`,
          valuesOf(row),
        );
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        created = false;
      }
      const found = (await findBySenderAndClientId(runner, [row])).get(keyOf(row.fromUserId, row.clientId));
      outcomes.push(
        found
          ? { row: found, created }
          : new AppError('ATTACHMENT_IN_USE', 409, 'That file is already in another message.'),
      );
    } catch (err) {
      outcomes.push(asError(err));
    }
  }
  return outcomes;
}

/** Rows stored under the batch's (sender, clientId) pairs, looked up in chunks of a modest OR. */
async function findBySenderAndClientId(
  runner: SqlRunner,
  rows: NewMessage[],
): Promise<Map<string, MessageRow>> {
  const found = new Map<string, MessageRow>();
  for (let start = 0; start < rows.length; start += LOOKUP_CHUNK) {
    const chunk = rows.slice(start, start + LOOKUP_CHUNK);
    const where = chunk.map(() => '(from_user_id = ? AND client_id = ?)').join(' OR ');
    const stored: StoredMessageRow[] = await runner.query(
      `SELECT id, ${MESSAGE_COLUMNS} FROM messages WHERE ${where}`,
      chunk.flatMap((row) => [row.fromUserId, row.clientId]),
    );
    for (const row of stored) found.set(keyOf(Number(row.from_user_id), row.client_id), messageFromRow(row));
  }
  return found;
}

function valuesOf(row: NewMessage): unknown[] {
  return [
    row.roomId,
    row.toUserId,
    row.dmKey,
    row.fromUserId,
    row.text,
    row.clientId,
    row.attachmentId,
    row.createdAt,
  ];
}

function keyOf(fromUserId: number, clientId: string): string {
  return `${fromUserId}\u0000${clientId}`;
}
