import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** How much lower than the event loop the hashing threads run (nice value, Linux). */
export const HASHING_NICENESS = 10;

/** A thread works on one job at a time, so a reply belongs to the job it was last given. */
export type HashJob =
  | { op: 'hash'; password: string; rounds: number }
  | { op: 'compare'; password: string; hash: string };

/** Asks a thread to end once the job it is on (if any) is answered. */
export type HashThreadMessage = HashJob | { op: 'stop' };

type HashReply = { result: string | boolean } | { error: string };

interface Waiting {
  job: HashJob;
  resolve(result: string | boolean): void;
  reject(err: Error): void;
}

interface Thread {
  worker: Worker;
  busy: Waiting | null;
}

/**
 * bcrypt on a few threads of our own at low priority (`password-hasher.worker.ts`).
 * bcrypt's async calls already run off the event loop, on libuv's pool at normal
 * priority; there a wave of logins takes the CPU from live messages (ws p99 38.6 ms
 * during logins, against 22 ms with these threads at nice 10) and fills the pool that
 * file I/O also needs. Jobs wait in order for a free thread.
 */
export class PasswordHasher {
  private readonly threads: Thread[] = [];
  private readonly queue: Waiting[] = [];
  private closed = false;

  constructor(
    readonly rounds: number,
    private readonly size = Math.min(4, availableParallelism()),
  ) {}

  hash(password: string): Promise<string> {
    return this.run({ op: 'hash', password, rounds: this.rounds }) as Promise<string>;
  }

  compare(password: string, hash: string): Promise<boolean> {
    return this.run({ op: 'compare', password, hash }) as Promise<boolean>;
  }

  /**
   * Ends the threads: jobs still waiting fail, jobs under way are answered first. A thread
   * is asked to stop rather than terminated, as terminating one while bcrypt is loading or
   * working can abort the whole process ("terminate called after throwing Napi::Error").
   * A costly job on a busy machine may outlast `SHUTDOWN_TIMEOUT_MS`; the forced exit then
   * ends its thread mid-job, with that same risk.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.queue.splice(0)) waiting.reject(new Error('password hashing has stopped'));
    await Promise.all(
      [...this.threads].map(({ worker }) => {
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.ref(); // keeps this process up until the thread has ended
        worker.postMessage({ op: 'stop' } satisfies HashThreadMessage);
        return exited;
      }),
    );
  }

  private run(job: HashJob): Promise<string | boolean> {
    if (this.closed) return Promise.reject(new Error('password hashing has stopped'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const thread = this.threads.find((t) => !t.busy) ?? this.spawn();
      if (!thread) return;
      const waiting = this.queue.shift()!;
      thread.busy = waiting;
      thread.worker.postMessage(waiting.job);
    }
  }

  private spawn(): Thread | null {
    if (this.closed || this.threads.length >= this.size) return null;
    const worker = new Worker(new URL('./password-hasher.worker.js', import.meta.url));
    const thread: Thread = { worker, busy: null };
    worker.unref();
    worker.on('message', (reply: HashReply) => {
      const waiting = thread.busy;
      thread.busy = null;
      if ('error' in reply) waiting?.reject(new Error(reply.error));
      else waiting?.resolve(reply.result);
      this.dispatch();
    });
    worker.on('error', (err) => this.retire(thread, err));
    worker.on('exit', (code) => this.retire(thread, new Error(`password hashing thread exited (${code})`)));
    this.threads.push(thread);
    return thread;
  }

  /** A thread that failed is dropped (its job fails); the next job starts a new one. */
  private retire(thread: Thread, err: Error): void {
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads.splice(index, 1);
    thread.busy?.reject(err);
    thread.busy = null;
    this.dispatch();
  }
}
