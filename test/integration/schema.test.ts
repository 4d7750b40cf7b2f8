import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import { parseConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/data-source.js';
import { createMysqlDatabase, testDialect } from '../helpers/database.js';

const SQL_FILE = path.resolve(import.meta.dirname, '../../../sql/natter.mysql.sql');

async function describeSchema(url: string): Promise<Record<string, string>> {
  const conn = await mysql.createConnection(url);
  const schema: Record<string, string> = {};
  const [tables] = await conn.query('SHOW TABLES');
  for (const table of (tables as Record<string, string>[]).map((row) => Object.values(row)[0]!)) {
    const [rows] = await conn.query(`SHOW CREATE TABLE \`${table}\``);
    schema[table] = String((rows as Record<string, string>[])[0]!['Create Table']).replace(
      / AUTO_INCREMENT=\d+/,
      '',
    );
  }
  const [migrations] = await conn.query('SELECT timestamp, name FROM migrations ORDER BY id');
  schema.appliedMigrations = JSON.stringify(migrations);
  await conn.end();
  return schema;
}

const mysqlOnly = testDialect() === 'mysql' ? false : 'compares MySQL DDL; runs in the MySQL/MariaDB pass';

describe('the MySQL DDL in sql/', () => {
  test('sql/natter.mysql.sql builds exactly the schema the migrations build', {
    skip: mysqlOnly,
  }, async () => {
    const fromMigrations = await createMysqlDatabase();
    const fromFile = await createMysqlDatabase();
    try {
      const db = await openDatabase(parseConfig({}, { DATABASE_URL: fromMigrations.url, DATA_DIR: '/tmp' }));
      await db.destroy();
      const conn = await mysql.createConnection({ uri: fromFile.url, multipleStatements: true });
      await conn.query(await readFile(SQL_FILE, 'utf8'));
      await conn.end();
      assert.deepEqual(await describeSchema(fromFile.url), await describeSchema(fromMigrations.url));

      // Natter starts on a database made from the file without re-running migrations.
      const reopened = await openDatabase(parseConfig({}, { DATABASE_URL: fromFile.url, DATA_DIR: '/tmp' }));
      assert.equal(await reopened.showMigrations(), false);
      await reopened.destroy();
    } finally {
      await fromMigrations.drop();
      await fromFile.drop();
    }
  });
});
