import mysql from 'mysql2/promise';
import { MESSAGE_COLUMNS } from '../../src/db/message-rows.js';
import { openSqlite } from './sqlite.js';
import type { Store } from './stores.js';

// Writes history straight into Natter's messages table (the schema its migrations built):
// the HTTP path would take hours for 10M rows. Messages go to the rooms in turn, so
// each room's ids are interleaved with the others' as in real use.

export interface SeedPlan {
  count: number;
  roomIds: number[];
  fromUserId: number;
}

const SQLITE_BATCH = 100_000;
const MYSQL_ROWS_PER_INSERT = 5_000;

function row(plan: SeedPlan, n: number, start: number): [number, number, string, string, number] {
  const roomId = plan.roomIds[n % plan.roomIds.length]!;
  return [roomId, plan.fromUserId, `seeded message ${n} for the history benchmark`, `seed-${n}`, start + n];
}

/** Seeds and resolves with rows per second. */
export async function seedMessages(
  store: Store,
  plan: SeedPlan,
  log: (line: string) => void,
): Promise<number> {
  const started = performance.now();
  if (store.mysqlUrl) await seedMysql(store.mysqlUrl, plan, log);
  else seedSqlite(store.sqlitePath, plan, log);
  return Math.round(plan.count / ((performance.now() - started) / 1000));
}

function seedSqlite(file: string, plan: SeedPlan, log: (line: string) => void): void {
  const db = openSqlite(file);
  try {
    db.pragma('busy_timeout = 10000');
    const insert = db.prepare(
      'INSERT INTO messages (room_id, to_user_id, dm_key, from_user_id, text, client_id, created_at) VALUES (?, NULL, NULL, ?, ?, ?, ?)',
    );
    const start = Date.now() - plan.count;
    const batch = db.transaction((from: number, to: number) => {
      for (let n = from; n < to; n++) insert.run(...row(plan, n, start));
    });
    for (let from = 0; from < plan.count; from += SQLITE_BATCH) {
      batch(from, Math.min(plan.count, from + SQLITE_BATCH));
      if (from % 1_000_000 === 0 && from > 0) log(`seeded ${from} rows`);
    }
  } finally {
    db.close();
  }
}

async function seedMysql(url: string, plan: SeedPlan, log: (line: string) => void): Promise<void> {
  const conn = await mysql.createConnection({ uri: url, charset: 'utf8mb4_bin' });
  try {
    // Seeding only: the rows are known to be valid, so skip the per-row checks.
    await conn.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
    const start = Date.now() - plan.count;
    for (let from = 0; from < plan.count; from += MYSQL_ROWS_PER_INSERT) {
      const to = Math.min(plan.count, from + MYSQL_ROWS_PER_INSERT);
      const values = [];
      for (let n = from; n < to; n++) {
        const [roomId, fromUserId, text, clientId, createdAt] = row(plan, n, start);
        values.push([roomId, null, null, fromUserId, text, clientId, createdAt]);
      }
      await conn.query(
        'INSERT INTO messages (room_id, to_user_id, dm_key, from_user_id, text, client_id, created_at) VALUES ?',
        [values],
      );
      if (from % 1_000_000 === 0 && from > 0) log(`seeded ${from} rows`);
    }
  } finally {
    await conn.end();
  }
}

/**
 * The same page query Natter runs, straight on the driver: the floor under Natter's
 * answer time. At most `samples` queries, and none started after `budgetMs`.
 */
export async function timeRawPageQuery(
  store: Store,
  plan: SeedPlan,
  samples: number,
  budgetMs: number,
): Promise<number[]> {
  const deadline = performance.now() + budgetMs;
  // Natter forces the (room_id, id) index on MySQL/MariaDB, which otherwise may walk every newer row.
  const hint = store.mysqlUrl ? ' FORCE INDEX (ix_messages_room)' : '';
  const sql = `SELECT id, ${MESSAGE_COLUMNS} FROM messages${hint} WHERE room_id = ? AND id < ? ORDER BY id DESC LIMIT 51`;
  const pick = () => [
    plan.roomIds[Math.floor(Math.random() * plan.roomIds.length)]!,
    1 + Math.floor(Math.random() * plan.count),
  ];
  const times: number[] = [];
  if (store.mysqlUrl) {
    const conn = await mysql.createConnection({ uri: store.mysqlUrl });
    try {
      for (let i = 0; i < samples && performance.now() < deadline; i++) {
        const t0 = performance.now();
        await conn.execute(sql, pick());
        times.push(performance.now() - t0);
      }
    } finally {
      await conn.end();
    }
    return times;
  }
  const db = openSqlite(store.sqlitePath);
  try {
    const statement = db.prepare(sql);
    for (let i = 0; i < samples && performance.now() < deadline; i++) {
      const t0 = performance.now();
      statement.all(...pick());
      times.push(performance.now() - t0);
    }
  } finally {
    db.close();
  }
  return times;
}
