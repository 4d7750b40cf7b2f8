import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcrypt';
import { HASHING_NICENESS, type HashThreadMessage } from './password-hasher.js';

// One hashing thread. It lowers its own scheduling priority, so that on a busy machine
// the kernel runs the event loop first and hashing takes the CPU that is left.
lowerThisThreadsPriority();

parentPort!.on('message', (job: HashThreadMessage) => {
  if (job.op === 'stop') return parentPort!.close();
  try {
    const result =
      job.op === 'hash'
        ? bcrypt.hashSync(job.password, job.rounds)
        : bcrypt.compareSync(job.password, job.hash);
    parentPort!.postMessage({ result });
  } catch (err) {
    parentPort!.postMessage({ error: (err as Error).message });
  }
});

/** Linux: setpriority(2) on a thread id affects that thread alone; elsewhere a no-op. */
function lowerThisThreadsPriority(): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId)) setPriority(threadId, HASHING_NICENESS);
  } catch {
    // Not Linux, or not allowed: hashing simply runs at normal priority.
  }
}
