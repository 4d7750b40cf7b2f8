import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

export type Dialect = 'sqlite' | 'mysql';

/** The dialect this run covers: run-tests sets NATTER_TEST_DIALECT for the MySQL pass. */
export function testDialect(): Dialect {
  return process.env.NATTER_TEST_DIALECT === 'mysql' ? 'mysql' : 'sqlite';
}

function serverUrl(): URL {
  const raw = process.env.TEST_DATABASE_URL;
  if (!raw) throw new Error('TEST_DATABASE_URL is not set; the MySQL pass cannot run');
  return new URL(raw);
}

/** A throw-away MySQL database (utf8mb4) on TEST_DATABASE_URL's server; drop it when done. */
export async function createMysqlDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = serverUrl();
  const name = `natter_test_${randomBytes(5).toString('hex')}`;
  const admin = await mysql.createConnection({
    host: base.hostname,
    port: Number(base.port || 3306),
    user: decodeURIComponent(base.username),
    password: decodeURIComponent(base.password),
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const conn = await mysql.createConnection({
        host: base.hostname,
        port: Number(base.port || 3306),
        user: decodeURIComponent(base.username),
        password: decodeURIComponent(base.password),
      });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}
