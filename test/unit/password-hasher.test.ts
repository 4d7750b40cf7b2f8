import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import bcrypt from 'bcrypt';
import { HASHING_NICENESS, PasswordHasher } from '../../src/chat/password-hasher.js';

/** Nice values of this process's threads, from /proc (Linux). */
function threadNiceness(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the parenthesised name: state is field 3, nice is field 19.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('password hasher', () => {
  const hasher = new PasswordHasher(4, 2);
  after(() => hasher.close());

  test('hashes are bcrypt hashes of the given cost that compare true only for the password', async () => {
    const hash = await hasher.hash('correct horse battery');
    assert.match(hash, /^\$2[aby]\$04\$/);
    assert.equal(await bcrypt.compare('correct horse battery', hash), true);
    assert.equal(await hasher.compare('correct horse battery', hash), true);
    assert.equal(await hasher.compare('wrong horse battery', hash), false);
  });

  test('many jobs at once are all answered, each with its own result', async () => {
    const passwords = Array.from({ length: 12 }, (_, i) => `password-${i}`);
    const hashes = await Promise.all(passwords.map((p) => hasher.hash(p)));
    const checks = await Promise.all(passwords.map((p, i) => hasher.compare(p, hashes[(i + 1) % 12]!)));
    assert.deepEqual(checks, Array(12).fill(false));
    assert.deepEqual(
      await Promise.all(passwords.map((p, i) => hasher.compare(p, hashes[i]!))),
      Array(12).fill(true),
    );
  });

  test('a malformed hash never matches; a failing job fails alone', async () => {
    assert.equal(await hasher.compare('x', 'not a hash'), false);
    await assert.rejects(hasher.compare('x', undefined as unknown as string), /required/);
    assert.equal(await hasher.compare('y', await hasher.hash('y')), true);
  });

  test('closing fails the jobs still waiting and starts no new thread', async () => {
    const closing = new PasswordHasher(8, 1);
    const jobs = Array.from({ length: 3 }, (_, i) => closing.hash(`pw-${i}`));
    const outcomes = Promise.allSettled(jobs);
    await closing.close();
    const settled = await outcomes;
    assert.ok(settled.some((o) => o.status === 'rejected'));
    await assert.rejects(closing.hash('after close'), /stopped/);
  });

  test('closing answers the job a thread has already been given before the thread ends', async () => {
    const closing = new PasswordHasher(10, 1);
    const underWay = closing.hash('half-way');
    await closing.close();
    assert.match(await underWay, /^\$2[aby]\$10\$/);
  });

  test('hashing runs off the event loop, on threads of lower priority', async (t) => {
    if (process.platform !== 'linux') return t.skip('thread priorities are read from /proc');
    const slow = new PasswordHasher(12, 1);
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const started = performance.now();
      const hashing = slow.hash('a long one');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(threadNiceness().includes(HASHING_NICENESS), 'a hashing thread runs at the lower priority');
      await hashing;
      clearInterval(timer);
      const elapsed = performance.now() - started;
      assert.ok(elapsed > 100, `cost 12 takes a while (${elapsed.toFixed(0)} ms)`);
      assert.ok(
        ticks >= elapsed / 5 / 4,
        `the event loop kept turning (${ticks} ticks in ${elapsed.toFixed(0)} ms)`,
      );
    } finally {
      await slow.close();
    }
  });
});
