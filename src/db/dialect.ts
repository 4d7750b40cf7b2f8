import type { DataSource } from 'typeorm';

export function isMysql(db: DataSource): boolean {
  return db.options.type === 'mysql';
}

/** The error code a driver gave, whether TypeORM wrapped the error or not. */
export function driverCode(err: unknown): string | undefined {
  const e = err as { code?: string; driverError?: { code?: string } } | null;
  return e?.driverError?.code ?? e?.code;
}

/** True when a write failed on a UNIQUE index, on either dialect. */
export function isUniqueViolation(err: unknown): boolean {
  const code = driverCode(err);
  return (
    code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** True when a write named a row (user, room) that does not exist, on either dialect. */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = driverCode(err);
  return code === 'ER_NO_REFERENCED_ROW_2' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * Whether `INSERT … RETURNING` works: SQLite (3.35 and later, which better-sqlite3 bundles)
 * and MariaDB from 10.5; MySQL has no such clause.
 */
export async function supportsInsertReturning(db: DataSource): Promise<boolean> {
  if (!isMysql(db)) return true;
  const [row]: { version: string }[] = await db.query('SELECT VERSION() AS version');
  const match = /(\d+)\.(\d+)\.\d+-MariaDB/i.exec(row?.version ?? '');
  return match !== null && Number(match[1]) * 100 + Number(match[2]) >= 1005;
}
