import { mkdirSync } from 'node:fs';
import { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import { entities } from './entities.js';
import { Init1763900000000 } from './migrations/1763900000000-init.js';
import { ReadState1763900000001 } from './migrations/1763900000001-read-state.js';
import { Attachments1763900000002 } from './migrations/1763900000002-attachments.js';

export const migrations = [Init1763900000000, ReadState1763900000001, Attachments1763900000002];

/** Builds the DataSource: embedded SQLite by default, MySQL/MariaDB when DATABASE_URL is set. */
export function createDataSource(config: Config): DataSource {
  if (config.DATABASE_URL) {
    return new DataSource({
      type: 'mysql',
      url: config.DATABASE_URL,
      charset: 'utf8mb4_bin',
      timezone: 'Z',
      poolSize: config.DB_POOL_SIZE,
      supportBigNumbers: true,
      bigNumberStrings: false,
      connectTimeout: 5_000,
      entities,
      migrations,
      migrationsTableName: 'migrations',
    });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return new DataSource({
    type: 'better-sqlite3',
    database: config.sqlitePath,
    // WAL lets readers run while a write commits; FULL makes every commit durable before
    // we acknowledge a message.
    enableWAL: true,
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
    entities,
    migrations,
    migrationsTableName: 'migrations',
  });
}

/** Connects and brings the schema up to date; no manual step is ever needed. */
export async function openDatabase(config: Config): Promise<DataSource> {
  const db = createDataSource(config);
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });
  return db;
}
