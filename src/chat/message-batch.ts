import { isUniqueViolation } from '../db/dialect.js';
import type { MessageRow } from '../db/entities.js';
import {
  MESSAGE_COLUMNS,
  MESSAGE_PLACEHOLDERS,
  messageFromRow,
  messageValues,
  type NewMessage,
  type StoredMessageRow,
} from '../db/message-rows.js';
import { AppError, asError } from './errors.js';

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

/** Keeps each lookup's OR chain well inside SQLite's expression depth limit. */
const LOOKUP_CHUNK = 100;

/**
 * Stores a batch with one multi-row INSERT, atomic and durable on its own (no explicit
 * transaction: on MySQL that saves three round trips per batch). Results are in batch
 * order; an outcome that is an Error fails that one send.
 *
 * A batch the unique indexes refuse is most often a client resending after a reconnect:
 * the rows already stored are looked up at once and answered with their first copy, a
 * clientId repeated within the batch is stored once, and the rest is inserted together
 * again. Only if that is refused too (an attachment already in another message) does
 * each send go on its own.
 */
export async function storeBatch(
  runner: SqlRunner,
  batch: NewMessage[],
  returning: boolean,
): Promise<BatchOutcome[]> {
  try {
    return await insertAll(runner, batch, returning);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  const stored = await findBySenderAndClientId(runner, batch);
  const fresh = new Map<string, NewMessage>();
  for (const row of batch) {
    const key = keyOf(row.fromUserId, row.clientId);
    if (!stored.has(key) && !fresh.has(key)) fresh.set(key, row);
  }
  const created = new Map<string, BatchOutcome>();
  if (fresh.size > 0) {
    let outcomes: BatchOutcome[];
    try {
      outcomes = await insertAll(runner, [...fresh.values()], returning);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return storeOneByOne(runner, batch);
    }
    for (const [i, key] of [...fresh.keys()].entries()) created.set(key, outcomes[i]!);
  }
  return batch.map((row) => {
    const key = keyOf(row.fromUserId, row.clientId);
    const first = stored.get(key);
    if (first) return { row: first, created: false };
    const outcome = created.get(key)!;
    // The first of a repeated clientId created the row; the repeats are resends of it.
    if (outcome instanceof Error || fresh.get(key) === row) return outcome;
    return { row: outcome.row, created: false };
  });
}

/** One multi-row INSERT; the new ids from RETURNING where there is one, else looked up. */
async function insertAll(runner: SqlRunner, rows: NewMessage[], returning: boolean): Promise<BatchOutcome[]> {
  const insert = `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES ${rows.map(() => MESSAGE_PLACEHOLDERS).join(', ')}`;
  const inserted: unknown = await runner.query(
    returning ? `${insert} RETURNING id, from_user_id, client_id` : insert,
    rows.flatMap(messageValues),
  );
  // RETURNING's row order is not promised, so rows are matched by their unique key.
  const ids = new Map<string, number>();
  if (returning && Array.isArray(inserted)) {
    for (const row of inserted as StoredKey[])
      ids.set(keyOf(Number(row.from_user_id), row.client_id), Number(row.id));
  }
  if (ids.size !== rows.length) {
    for (const [key, row] of await findBySenderAndClientId(runner, rows)) ids.set(key, row.id);
  }
  return rows.map((row) => {
    const id = ids.get(keyOf(row.fromUserId, row.clientId));
    return id === undefined
      ? new Error('A stored message could not be read back')
      : { row: { ...row, id }, created: true };
  });
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
          `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES ${MESSAGE_PLACEHOLDERS}`,
          messageValues(row),
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

function keyOf(fromUserId: number, clientId: string): string {
  return `${fromUserId}\u0000${clientId}`;
}
