import mysql from 'mysql2/promise';
import { openSqlite, type SqliteStatement } from './sqlite.js';

// The ceiling's storage: the same messages table as Natter's (same columns and indexes,
// no foreign keys), written with one multi-row INSERT per batch.

export interface NewRow {
  roomId: number;
  fromUserId: number;
  text: string;
  clientId: string;
  createdAt: number;
}

/** Inserts a batch in one statement and resolves with the ids, in order, once committed. */
export interface BatchStore {
  insert(rows: NewRow[]): Promise<number[]> | number[];
}

const COLUMNS = '(room_id, to_user_id, dm_key, from_user_id, text, client_id, created_at)';

const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id INTEGER NULL, to_user_id INTEGER NULL, dm_key VARCHAR(24) NULL,
  from_user_id INTEGER NOT NULL, text TEXT NOT NULL, client_id VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS uq_messages_sender_client ON messages (from_user_id, client_id);
CREATE INDEX IF NOT EXISTS ix_messages_room ON messages (room_id, id);
CREATE INDEX IF NOT EXISTS ix_messages_dm ON messages (dm_key, id);`;

const MYSQL_SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  id INT NOT NULL AUTO_INCREMENT, room_id INT NULL, to_user_id INT NULL, dm_key VARCHAR(24) NULL,
  from_user_id INT NOT NULL, text TEXT NOT NULL, client_id VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_messages_sender_client (from_user_id, client_id),
  KEY ix_messages_room (room_id, id),
  KEY ix_messages_dm (dm_key, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

/** SQLite with WAL and synchronous=FULL, as Natter runs it: each batch is one durable commit. */
export function sqliteBatchStore(file: string): BatchStore {
  const db = openSqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SQLITE_SCHEMA);
  const statements = new Map<number, SqliteStatement>();
  const statementFor = (n: number) => {
    let statement = statements.get(n);
    if (!statement) {
      const values = Array.from({ length: n }, () => '(?, NULL, NULL, ?, ?, ?, ?)').join(', ');
      statement = db.prepare(`INSERT INTO messages ${COLUMNS} VALUES ${values} RETURNING id`).pluck();
      statements.set(n, statement);
    }
    return statement;
  };
  return {
    insert(rows) {
      const params = rows.flatMap((r) => [r.roomId, r.fromUserId, r.text, r.clientId, r.createdAt]);
      return statementFor(rows.length).all(...params) as number[];
    },
  };
}

/** MySQL/MariaDB through one mysql2 connection: a multi-row INSERT is one autocommitted statement. */
export async function mysqlBatchStore(url: string): Promise<BatchStore> {
  const conn = await mysql.createConnection({ uri: url, charset: 'utf8mb4_bin' });
  await conn.query(MYSQL_SCHEMA);
  return {
    async insert(rows) {
      const values = rows.map((r) => [r.roomId, null, null, r.fromUserId, r.text, r.clientId, r.createdAt]);
      const [result] = await conn.query(`INSERT INTO messages ${COLUMNS} VALUES ?`, [values]);
      // One statement under innodb_autoinc_lock_mode 0/1 gets consecutive ids; the
      // ceiling is the only writer, so this holds under mode 2 as well.
      const first = (result as { insertId: number }).insertId;
      return rows.map((_, i) => first + i);
    },
  };
}
