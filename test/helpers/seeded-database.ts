import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { PasswordHasher } from '../../src/chat/password-hasher.js';
import { RoomsService } from '../../src/chat/rooms.service.js';
import { UsersService } from '../../src/chat/users.service.js';
import { parseConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/data-source.js';
import { createMysqlDatabase, testDialect } from './database.js';

export interface SeededDatabase {
  db: DataSource;
  /** Ids of the default rooms. */
  roomIds: number[];
  /** Ids of the accounts made, in the order of the names given. */
  userIds: number[];
  close(): Promise<void>;
}

/** A fresh database of this run's dialect with the default rooms and an account per name. */
export async function seededDatabase(usernames: string[]): Promise<SeededDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'natter-db-'));
  const mysql = testDialect() === 'mysql' ? await createMysqlDatabase() : null;
  const passwords = new PasswordHasher(4, 1);
  const db = await openDatabase(parseConfig({}, { DATA_DIR: dataDir, DATABASE_URL: mysql?.url }));
  const rooms = new RoomsService(db);
  await rooms.ensureDefaults();
  const accounts = new UsersService(db, passwords);
  const userIds: number[] = [];
  for (const username of usernames) {
    userIds.push((await accounts.register({ username, password: `${username}-long-secret` })).id);
  }
  return {
    db,
    roomIds: (await rooms.list()).map((room) => room.id),
    userIds,
    async close() {
      await passwords.close();
      await db.destroy();
      await mysql?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

type Query = (sql: string, parameters: unknown[]) => Promise<unknown>;

/**
 * The database, seen through a wrapper that records the first word of every statement
 * sent; `run` answers each statement (by default, the database itself).
 */
export function countingDatabase(
  db: DataSource,
  run: Query = (sql, parameters) => db.query(sql, parameters),
): { db: DataSource; statements: string[] } {
  const statements: string[] = [];
  const counting = {
    options: db.options,
    query: (sql: string, parameters: unknown[]) => {
      statements.push(sql.split(' ')[0]!);
      return run(sql, parameters);
    },
  } as unknown as DataSource;
  return { db: counting, statements };
}
