import type { ScenarioContext } from './scenario.js';
import {
  type NatterOptions,
  type RunningProcess,
  type RunningServer,
  startCeiling,
  startNatter,
  startPagesFloor,
} from './servers.js';
import { createStore, type Store } from './stores.js';

/** Runs `work` against a Natter on a fresh database, then stops it and drops the database. */
export async function withNatter<T>(
  ctx: ScenarioContext,
  label: string,
  options: NatterOptions,
  work: (server: RunningServer) => Promise<T>,
): Promise<T> {
  return withServer(ctx.db, label, (store) => startNatter(store, options), work);
}

/** Same for the ceiling server; `pages` (path → HTML) are answered as they are. */
export async function withCeiling<T>(
  ctx: ScenarioContext,
  label: string,
  work: (server: RunningServer) => Promise<T>,
  pages?: Record<string, string>,
): Promise<T> {
  return withServer(ctx.db, `${label}-ceiling`, (store) => startCeiling(store, pages), work);
}

/** The pages floor (bench/pages-floor.ts) answering `pages`; it has no database. */
export function withPagesFloor<T>(
  pages: Record<string, string>,
  work: (server: RunningProcess) => Promise<T>,
): Promise<T> {
  return withProcess(() => startPagesFloor(pages), work);
}

/** A fresh store, a server on it, the work; then both are gone, whatever happened. */
async function withServer<T>(
  db: ScenarioContext['db'],
  label: string,
  start: (store: Store) => Promise<RunningServer>,
  work: (server: RunningServer) => Promise<T>,
): Promise<T> {
  const store = await createStore(db, label);
  try {
    return await withProcess(() => start(store), work);
  } finally {
    await store.drop();
  }
}

/** A server process, the work; then the process is stopped, whatever happened. */
async function withProcess<S extends RunningProcess, T>(
  start: () => Promise<S>,
  work: (server: S) => Promise<T>,
): Promise<T> {
  const server = await start();
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

/** Setup settings: registrations are cheap (bcrypt cost 4) where logins are not what is measured. */
export const CHEAP_ACCOUNTS = { settings: { BCRYPT_ROUNDS: '4' } };
