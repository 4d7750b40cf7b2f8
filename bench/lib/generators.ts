import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { withDeadline } from './clock.js';
import type { Call, GeneratorBase, Reply } from './ipc.js';

const LOAD_DIR = path.resolve(import.meta.dirname, '..', 'load');
const MAX_OPEN_FILES = 20_000;

const running = new Set<ChildProcess>();

/**
 * Starts `node <command>` through a shell that first raises its open-file limit (each
 * process here may hold at most 20,000 sockets). The IPC channel survives the `exec`.
 */
export function spawnNode(
  script: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; nodeFlags?: string[]; ipc?: boolean } = {},
): ChildProcess {
  const shell = `ulimit -n ${MAX_OPEN_FILES} 2>/dev/null; exec "$0" "$@"`;
  const child = spawn(
    '/bin/sh',
    ['-c', shell, process.execPath, ...(options.nodeFlags ?? []), script, ...args],
    {
      env: options.env ?? process.env,
      stdio: ['ignore', 'inherit', 'inherit', ...(options.ipc ? (['ipc'] as const) : [])],
    },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Kills whatever the runner started and is still alive (by pid, never by name). */
export function killStartedProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Runs a command's main and exits with its code (2 when it throws), leaving no generator behind. */
export function exitWhenDone(main: () => Promise<number>): void {
  main().then(
    (code) => {
      killStartedProcesses();
      process.exit(code);
    },
    (err: unknown) => {
      killStartedProcesses();
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(2);
    },
  );
}

/** One load-generator process (a compiled bench/load/<role>.js) driven over IPC. */
export class Generator {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(data: unknown): void; reject(err: Error): void }>();
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(
    readonly role: string,
    config: GeneratorBase & Record<string, unknown>,
  ) {
    this.child = spawnNode(path.join(LOAD_DIR, `${role}.js`), [JSON.stringify(config)], { ipc: true });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.on('message', (reply: Reply) => this.onReply(reply));
    void this.exited.then((code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`${role} exited (${code})`));
      this.pending.clear();
    });
  }

  call<T>(name: string, arg: unknown = null, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (data: unknown) => void, reject });
    });
    this.child.send({ kind: 'call', id, name, arg } satisfies Call);
    return withDeadline(answer, timeoutMs, `${this.role}.${name}`);
  }

  /** Asks the process to exit, and kills it if it has not within a few seconds. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.call('exit', null, 5_000).catch(() => this.child.kill('SIGKILL'));
    await withDeadline(this.exited, 5_000, `${this.role} exit`).catch(() => this.child.kill('SIGKILL'));
  }

  private onReply(reply: Reply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (reply.kind === 'reply') waiter.resolve(reply.data);
    else waiter.reject(new Error(`${this.role}: ${reply.message}`));
  }
}

/** Calls the same command on every generator and waits for all answers. */
export function callAll<T>(generators: Generator[], name: string, arg: unknown = null, timeoutMs?: number) {
  return Promise.all(generators.map((g) => g.call<T>(name, arg, timeoutMs)));
}
