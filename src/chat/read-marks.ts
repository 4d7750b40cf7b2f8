import type { DataSource } from 'typeorm';
import { isForeignKeyViolation, isMysql } from '../db/dialect.js';
import type { Conversation } from './conversations.js';
import { asError } from './errors.js';
import type { StoreMany } from './write-batcher.js';

/** How far one user has read and received one conversation; a mark of 0 leaves that column as it is. */
export interface Mark {
  userId: number;
  conversation: Conversation;
  readId: number;
  deliveredId: number;
}

const COLUMNS = '(user_id, conversation, room_id, dm_key, last_read_id, last_delivered_id)';

/**
 * Writes marks with one multi-row upsert (creating the row is joining the conversation).
 * A mark only moves forward, so a late or repeated write never takes it back. When the
 * batch names a user or room deleted meanwhile, each mark is written on its own so the
 * bad one fails only its own caller; any other error (the database is down) fails the
 * batch at once.
 */
export function storeMarks(db: DataSource): StoreMany<Mark, void> {
  const forward = isMysql(db)
    ? 'ON DUPLICATE KEY UPDATE last_read_id = GREATEST(last_read_id, VALUES(last_read_id)), last_delivered_id = GREATEST(last_delivered_id, VALUES(last_delivered_id))'
    : 'ON CONFLICT (user_id, conversation) DO UPDATE SET last_read_id = MAX(last_read_id, excluded.last_read_id), last_delivered_id = MAX(last_delivered_id, excluded.last_delivered_id)';
  const write = (marks: Mark[]) =>
    db.query(
      `INSERT INTO read_state ${COLUMNS} VALUES ${marks.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')} ${forward}`,
      marks.flatMap(({ userId, conversation: c, readId, deliveredId }) => [
        userId,
        c.key,
        c.roomId,
        c.dmKey,
        readId,
        deliveredId,
      ]),
    );
  return async (marks) => {
    try {
      await write(marks);
      return marks.map(() => undefined);
    } catch (err) {
      if (marks.length === 1 || !isForeignKeyViolation(err)) throw err;
    }
    const outcomes: (Error | undefined)[] = [];
    for (const mark of marks) outcomes.push(await write([mark]).then(() => undefined, asError));
    return outcomes;
  };
}
