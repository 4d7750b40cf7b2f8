import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { openSqlite } from './sqlite.js';

export type DbKind = 'sqlite' | 'mysql';

/** Where the MySQL/MariaDB server for `--db=mysql` listens (fresh databases are made in it). */
export const MYSQL_BASE_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

/** One fresh, empty database for one server (Natter or the ceiling) in one scenario. */
export interface Store {
  kind: DbKind;
  /** SQLite: the data directory; MySQL: unused scratch directory. */
  dir: string;
  /** SQLite file path (Natter keeps it as <DATA_DIR>/natter.db). */
  sqlitePath: string;
  /** MySQL URL of the fresh database; undefined for SQLite. */
  mysqlUrl: string | undefined;
  /** Environment that points Natter at this store. */
  natterEnv: Record<string, string>;
  count(sql: string): Promise<number>;
  drop(): Promise<void>;
}

let serial = 0;
/** Stores not dropped yet, so an interrupted run can still drop them. */
const live = new Set<Store>();

/** Drops every store still alive (best effort; for an interrupted run). */
export async function dropLiveStores(): Promise<void> {
  await Promise.allSettled([...live].map((store) => store.drop()));
}

export async function createStore(kind: DbKind, label: string): Promise<Store> {
  const store = await makeStore(kind, label);
  live.add(store);
  const drop = store.drop;
  store.drop = async () => {
    live.delete(store);
    await drop();
  };
  return store;
}

async function makeStore(kind: DbKind, label: string): Promise<Store> {
  const dir = mkdtempSync(path.join(tmpdir(), `natter-bench-${label}-`));
  const sqlitePath = path.join(dir, 'natter.db');
  if (kind === 'sqlite') {
    return {
      kind,
      dir,
      sqlitePath,
      mysqlUrl: undefined,
      natterEnv: { DATA_DIR: dir },
      count: async (sql) => countSqlite(sqlitePath, sql),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `natter_bench_${process.pid}_${++serial}_${label.replace(/\W/g, '_')}`;
  const admin = await mysql.createConnection({ uri: MYSQL_BASE_URL });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.end();
  }
  const mysqlUrl = `${MYSQL_BASE_URL.replace(/\/$/, '')}/${name}`;
  return {
    kind,
    dir,
    sqlitePath,
    mysqlUrl,
    natterEnv: { DATA_DIR: dir, DATABASE_URL: mysqlUrl },
    count: (sql) => countMysql(mysqlUrl, sql),
    async drop() {
      const conn = await mysql.createConnection({ uri: MYSQL_BASE_URL });
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** True when the MySQL server for `--db=mysql` answers. */
export async function mysqlReachable(): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ uri: MYSQL_BASE_URL, connectTimeout: 2000 });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

function countSqlite(file: string, sql: string): number {
  const db = openSqlite(file);
  try {
    db.pragma('busy_timeout = 5000');
    const row = db.prepare(sql).pluck().get();
    return Number(row);
  } finally {
    db.close();
  }
}

async function countMysql(url: string, sql: string): Promise<number> {
  const conn = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await conn.query(sql);
    const first = (rows as Record<string, unknown>[])[0] ?? {};
    return Number(Object.values(first)[0]);
  } finally {
    await conn.end();
  }
}
