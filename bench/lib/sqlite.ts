import { createRequire } from 'node:module';

// better-sqlite3 ships no type declarations and the project does not depend on
// @types/better-sqlite3, so the bench declares the little it uses.

export interface SqliteStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  pluck(on?: boolean): SqliteStatement;
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  pragma(sql: string): unknown;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}

type SqliteConstructor = new (file: string, options?: { readonly?: boolean }) => SqliteDatabase;

export const openSqlite = (file: string): SqliteDatabase => {
  const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;
  return new Database(file);
};
