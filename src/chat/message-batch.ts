import { isUniqueViolation } from '../db/dialect.js';
import type { MessageRow } from '../db/entities.js';
import { MESSAGE_COLUMNS, messageFromRow, type StoredMessageRow } from '../db/message-rows.js';
import { AppError } from './errors.js';

export type NewMessage = Omit<MessageRow, 'id'>;

export interface WriteResult {
  row: MessageRow;
  /** False when the sender had already stored a message with this clientId. */
  created: boolean;
}

export type BatchOutcome = WriteResult | AppError;

/** What a batch needs of a database connection: TypeORM's QueryRunner, or a thin wrapper. */
export interface SqlRunner {
  // biome-ignore lint/suspicious/noExplicitAny: rows come back untyped from either driver
  query(sql: string, parameters: unknown[]): Promise<any>;
}

const ROW_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?)';
/** Keeps each lookup's OR chain well inside SQLite's expression depth limit. */
const LOOKUP_CHUNK = 100;

/**
 * Stores a batch inside the caller's transaction with one multi-row INSERT. A message
 * whose sender already stored its clientId (a resend) is answered with the first copy;
 * the same clientId twice in one batch is stored once. Results are in batch order.
 */
export async function storeBatch(runner: SqlRunner, batch: NewMessage[]): Promise<BatchOutcome[]> {
  const earlier = await findBySenderAndClientId(runner, batch);
  const firstOfKey = new Map<string, number>();
  const fresh: NewMessage[] = [];
  for (const [i, row] of batch.entries()) {
    const key = keyOf(row.fromUserId, row.clientId);
    if (!earlier.has(key) && !firstOfKey.has(key)) {
      firstOfKey.set(key, i);
      fresh.push(row);
    }
  }
  const stored = await insertFresh(runner, fresh);
  return batch.map((row, i) => {
    const key = keyOf(row.fromUserId, row.clientId);
    const first = earlier.get(key);
    if (first) return { row: first, created: false };
    const outcome = stored.get(key)!;
    if (outcome instanceof AppError || firstOfKey.get(key) === i) return outcome;
    return { row: outcome.row, created: false };
  });
}

/** Inserts rows known to be new; falls back to one INSERT per row when one of them conflicts. */
async function insertFresh(runner: SqlRunner, rows: NewMessage[]): Promise<Map<string, BatchOutcome>> {
  const stored = new Map<string, BatchOutcome>();
  if (rows.length === 0) return stored;
  try {
    await runner.query(
      `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES ${rows.map(() => ROW_PLACEHOLDERS).join(', ')}`,
      rows.flatMap(valuesOf),
    );
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return insertOneByOne(runner, rows);
  }
  const ids = await findBySenderAndClientId(runner, rows);
  for (const row of rows) {
    const key = keyOf(row.fromUserId, row.clientId);
    stored.set(key, { row: { ...row, id: ids.get(key)!.id }, created: true });
  }
  return stored;
}

/**
 * The slow path for a batch holding a conflict: an attachment already used by another
 * message, or a resend stored by another process between our lookup and our insert.
 */
async function insertOneByOne(runner: SqlRunner, rows: NewMessage[]): Promise<Map<string, BatchOutcome>> {
  const stored = new Map<string, BatchOutcome>();
  for (const row of rows) {
    const key = keyOf(row.fromUserId, row.clientId);
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
    const found = (await findBySenderAndClientId(runner, [row])).get(key);
    stored.set(
      key,
      found
        ? { row: found, created }
        : new AppError('ATTACHMENT_IN_USE', 409, 'That file is already in another message.'),
    );
  }
  return stored;
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
