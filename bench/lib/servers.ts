import type { ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sleep, withDeadline } from './clock.js';
import { spawnNode } from './generators.js';
import { freePort, rssKb } from './proc.js';
import type { Store } from './stores.js';

const DIST_DIR = path.resolve(import.meta.dirname, '..', '..');
const NATTER_MAIN = path.join(DIST_DIR, 'src', 'main.js');
const CEILING_MAIN = path.join(DIST_DIR, 'bench', 'ceiling-server.js');
const PAGES_FLOOR_MAIN = path.join(DIST_DIR, 'bench', 'pages-floor.js');
const START_TIMEOUT_MS = 60_000;

/**
 * Abuse limits raised to their maxima: all load comes from one address and a few users,
 * and the bench measures capacity, not the limiters. Every other setting keeps its
 * production default. (Unknown names are ignored by older builds.)
 */
const BENCH_LIMITS: Record<string, string> = {
  LOGIN_ATTEMPTS_PER_15MIN: '10000',
  LOGIN_ATTEMPTS_PER_IP_PER_15MIN: '100000',
  REGISTRATIONS_PER_IP_PER_HOUR: '100000',
  WS_MAX_CONNECTIONS_PER_USER: '100000',
  WS_MAX_CONNECTIONS_PER_IP: '100000',
  MESSAGES_PER_SECOND: '10000',
  MESSAGE_BURST: '10000',
  WS_FRAMES_PER_SECOND: '100000',
  WS_FRAME_BURST: '100000',
};

export type ServerKind = 'natter' | 'ceiling' | 'pages floor';

/** A server process under test, on 127.0.0.1. */
export interface RunningProcess {
  kind: ServerKind;
  pid: number;
  port: number;
  baseUrl: string;
  rssKb(): number | null;
  /** SIGTERM, then SIGKILL if it has not exited within a few seconds. */
  stop(): Promise<void>;
}

/** A server process with the database it stores into. */
export interface RunningServer extends RunningProcess {
  store: Store;
}

export interface NatterOptions {
  /** Extra settings (environment variables) on top of the bench defaults. */
  settings?: Record<string, string>;
  /** e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] */
  nodeFlags?: string[];
}

/** Natter as shipped (dist/src/main.js), production settings, warn-level logs. */
export async function startNatter(store: Store, options: NatterOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...BENCH_LIMITS,
    ...store.natterEnv,
    ...options.settings,
  };
  if (!store.mysqlUrl) delete env.DATABASE_URL;
  const child = spawnNode(NATTER_MAIN, [], { env, nodeFlags: options.nodeFlags ?? benchNodeFlags() });
  return { ...(await waitUntilServing('natter', child, port)), store };
}

/**
 * The bare `ws` ceiling server (bench/ceiling-server.ts) on the same kind of database;
 * `pages` (path → HTML) are answered as they are.
 */
export async function startCeiling(store: Store, pages?: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const pagesFile = pages && writePagesFile(port, pages);
  const config = {
    port,
    sqlitePath: store.mysqlUrl ? undefined : store.sqlitePath,
    mysqlUrl: store.mysqlUrl,
    pagesFile,
  };
  const child = spawnNode(CEILING_MAIN, [JSON.stringify(config)], { ipc: true, nodeFlags: benchNodeFlags() });
  if (pagesFile) child.once('exit', () => rmSync(pagesFile, { force: true }));
  return { ...(await waitUntilServing('ceiling', child, port)), store };
}

/** Express with Natter's security headers and sessions answering `pages` (bench/pages-floor.ts). */
export async function startPagesFloor(pages: Record<string, string>): Promise<RunningProcess> {
  const port = await freePort();
  const pagesFile = writePagesFile(port, pages);
  const config = { port, pagesFile };
  const child = spawnNode(PAGES_FLOOR_MAIN, [JSON.stringify(config)], {
    ipc: true,
    nodeFlags: benchNodeFlags(),
  });
  child.once('exit', () => rmSync(pagesFile, { force: true }));
  return waitUntilServing('pages floor', child, port);
}

/** Pages (path → HTML) in a temporary file for a server process to read. */
function writePagesFile(port: number, pages: Record<string, string>): string {
  const file = path.join(tmpdir(), `natter-bench-pages-${port}.json`);
  writeFileSync(file, JSON.stringify(pages));
  return file;
}

/** How the ceiling writes a batch's frames (see ceiling-server.ts), for the printed params. */
export function ceilingWrites(): string {
  return process.env.BENCH_CEILING_COALESCE === '0'
    ? 'one writev per frame'
    : 'coalesced per socket per batch';
}

/** Flags for server processes, e.g. BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
function benchNodeFlags(): string[] {
  return (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
}

async function waitUntilServing(
  kind: ServerKind,
  child: ChildProcess,
  port: number,
): Promise<RunningProcess> {
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${kind} exited during start (code ${child.exitCode})`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${kind} did not answer /healthz within ${START_TIMEOUT_MS} ms`);
    }
    const ok = await fetch(`${baseUrl}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) break;
    await sleep(100);
  }
  const pid = child.pid!;
  return {
    kind,
    pid,
    port,
    baseUrl,
    rssKb: () => rssKb(pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // A server still draining a fan-out backlog is not waited for long, unless it is
      // writing a CPU profile (which happens only on a clean exit).
      const grace = benchNodeFlags().some((flag) => flag.startsWith('--cpu-prof')) ? 30_000 : 5_000;
      await withDeadline(exited, grace, `${kind} shutdown`).catch(() => child.kill('SIGKILL'));
    },
  };
}
