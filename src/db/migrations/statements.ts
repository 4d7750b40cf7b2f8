import type { QueryRunner } from 'typeorm';
import { isMysql } from '../dialect.js';

/** The same schema step written once per dialect; runs the list that fits the database. */
export interface DialectStatements {
  mysql: string[];
  sqlite: string[];
}

export async function runStatements(runner: QueryRunner, statements: DialectStatements): Promise<void> {
  for (const sql of isMysql(runner.connection) ? statements.mysql : statements.sqlite)
    await runner.query(sql);
}
