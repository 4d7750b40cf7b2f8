import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMysqlDatabase, testDialect } from './database.js';

const MAIN = path.resolve(import.meta.dirname, '../../src/main.js');

export interface NatterProcess {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  output(): string;
  /** Resolves with the exit code (or signal) once the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Storage for a server run as a separate process (for signals and crashes). */
export async function processStorage(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'natter-proc-'));
  const db = testDialect() === 'mysql' ? await createMysqlDatabase() : null;
  return {
    env: { DATA_DIR: dataDir, ...(db ? { DATABASE_URL: db.url } : {}) },
    async cleanup() {
      await db?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `node dist/src/main.js` and waits until it listens (port from its first log line). */
export function spawnNatter(env: Record<string, string>): Promise<NatterProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      BCRYPT_ROUNDS: '4',
      MESSAGES_PER_SECOND: '10000',
      MESSAGE_BURST: '10000',
      WS_FRAME_BURST: '10000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Natter did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"port":(\d+).*"msg":"Natter is listening"/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      const url = `http://127.0.0.1:${match[1]}`;
      resolve({ child, url, wsUrl: `ws://127.0.0.1:${match[1]}/ws`, output: () => output, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`Natter exited before listening:\n${output}`));
    });
  });
}
