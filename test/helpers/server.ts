import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ConfigInput, parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createNatter, type Natter } from '../../src/server.js';
import { createMysqlDatabase, testDialect } from './database.js';
import { LogRecorder } from './logs.js';

export interface TestServer {
  url: string;
  wsUrl: string;
  port: number;
  natter: Natter;
  logs: LogRecorder;
  /** Stops this process's server, keeping the data; resolves with a new one on the same data. */
  restart(): Promise<TestServer>;
  /** Stops the server, checks the logs for errors, and removes the data. */
  stop(opts?: { allowErrors?: boolean }): Promise<void>;
}

export interface StartOptions {
  settings?: ConfigInput;
}

interface Storage {
  dataDir: string;
  databaseUrl: string | undefined;
  cleanup(): Promise<void>;
}

async function createStorage(): Promise<Storage> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'natter-test-'));
  if (testDialect() === 'sqlite') {
    return { dataDir, databaseUrl: undefined, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const db = await createMysqlDatabase();
  return {
    dataDir,
    databaseUrl: db.url,
    async cleanup() {
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts a real Natter on a free loopback port with its own fresh database. */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  return boot(await createStorage(), options);
}

async function boot(storage: Storage, options: StartOptions, port = 0): Promise<TestServer> {
  const config = parseConfig(
    {},
    {
      PORT: port,
      HOST: '127.0.0.1',
      DATA_DIR: storage.dataDir,
      DATABASE_URL: storage.databaseUrl,
      BCRYPT_ROUNDS: 4,
      LOG_LEVEL: 'info',
      LOGIN_ATTEMPTS_PER_15MIN: 1000,
      LOGIN_ATTEMPTS_PER_IP_PER_15MIN: 10_000,
      REGISTRATIONS_PER_IP_PER_HOUR: 10_000,
      // Tests drive many messages from one user; the limits have tests of their own.
      MESSAGES_PER_SECOND: 10_000,
      MESSAGE_BURST: 10_000,
      WS_FRAME_BURST: 10_000,
      ...options.settings,
    },
  );
  const logs = new LogRecorder();
  const natter = await createNatter(config, createLogger(config.LOG_LEVEL, logs));
  const boundPort = await natter.listen();
  const url = `http://127.0.0.1:${boundPort}`;
  return {
    url,
    wsUrl: `ws://127.0.0.1:${boundPort}/ws`,
    port: boundPort,
    natter,
    logs,
    async restart() {
      await natter.close();
      logs.assertNoErrors();
      return boot(storage, options, boundPort);
    },
    async stop(opts = {}) {
      await natter.close();
      await storage.cleanup();
      if (!opts.allowErrors) logs.assertNoErrors();
    },
  };
}
