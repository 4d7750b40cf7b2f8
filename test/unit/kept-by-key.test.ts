import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeptByKey } from '../../src/chat/kept-by-key.js';

/** A stand-in for the database: counts reads; each read answers with its number. */
function source() {
  let reads = 0;
  return { read: async () => ++reads, reads: () => reads };
}

/** A read that finishes only when told to. */
function heldRead() {
  let finish!: () => void;
  const released = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    read: async () => {
      await released;
      return 0;
    },
    finish: () => finish(),
  };
}

const always = () => true;

/** A value of r:1 kept at version 0, then the version moved on: the kept value is stale. */
async function keptThenStale() {
  let version = 0;
  const kept = new KeptByKey<string, { n: number; version: number }>(10, (v) => v.version === version);
  const db = source();
  const read = async () => ({ n: await db.read(), version });
  await kept.get('r:1', read);
  version++;
  return { kept, read, db };
}

describe('values kept by key', () => {
  test('a value is read once and then served from memory', async () => {
    const kept = new KeptByKey<string, number>(10, always);
    const db = source();
    assert.equal(await kept.get('r:1', db.read), 1);
    assert.equal(await kept.get('r:1', db.read), 1);
    assert.equal(db.reads(), 1);
  });

  test('readers at the same time share one read', async () => {
    const kept = new KeptByKey<string, number>(10, always);
    const db = source();
    assert.deepEqual(await Promise.all([kept.get('r:1', db.read), kept.get('r:1', db.read)]), [1, 1]);
    assert.equal(db.reads(), 1);
  });

  test('keys are kept apart', async () => {
    const kept = new KeptByKey<string, number>(10, always);
    const db = source();
    await kept.get('r:1', db.read);
    assert.equal(await kept.get('r:2', db.read), 2);
  });

  test('after forget the next reader reads again, and that read is kept', async () => {
    const kept = new KeptByKey<string, number>(10, always);
    const db = source();
    await kept.get('r:1', db.read);
    kept.forget('r:1');
    assert.equal(await kept.get('r:1', db.read), 2);
    assert.equal(await kept.get('r:1', db.read), 2);
  });

  test('a read under way when its key is forgotten answers its readers but is not kept', async () => {
    const kept = new KeptByKey<string, number>(10, always);
    const held = heldRead();
    const early = kept.get('r:1', held.read);
    kept.forget('r:1');
    held.finish();
    assert.equal(await early, 0);
    const db = source();
    assert.equal(await kept.get('r:1', db.read), 1, 'read again');
  });

  test('a value no longer current is read again, and the fresh one kept', async () => {
    const { kept, read } = await keptThenStale();
    assert.equal((await kept.get('r:1', read)).n, 2);
    assert.equal((await kept.get('r:1', read)).n, 2);
  });

  test('readers that find the same value stale share one read again', async () => {
    const { kept, read, db } = await keptThenStale();
    const both = await Promise.all([kept.get('r:1', read), kept.get('r:1', read)]);
    assert.deepEqual(
      both.map((v) => v.n),
      [2, 2],
    );
    assert.equal(db.reads(), 2);
  });

  test('at most max keys are kept, the least recently read going first', async () => {
    const kept = new KeptByKey<string, number>(3, always);
    const db = source();
    for (const key of ['a', 'b', 'c']) await kept.get(key, db.read);
    await kept.get('a', db.read); // read recently: stays
    await kept.get('d', db.read); // pushes out b, the least recently read
    const before = db.reads();
    await kept.get('a', db.read);
    assert.equal(db.reads(), before, 'a was kept');
    await kept.get('b', db.read);
    assert.equal(db.reads(), before + 1, 'b was let go');
  });

  test('a failed read is not kept', async () => {
    const kept = new KeptByKey<string, number>(10, always);
    await assert.rejects(
      kept.get('r:1', async () => {
        throw new Error('database away');
      }),
      /database away/,
    );
    const db = source();
    assert.equal(await kept.get('r:1', db.read), 1);
  });

  test('a read that replaces a stale value is given it, unless the key was forgotten meanwhile', async () => {
    const given: (number | undefined)[] = [];
    let version = 0;
    const kept = new KeptByKey<string, { n: number; version: number }>(10, (v) => v.version === version);
    const read = async (stale?: { n: number }) => {
      given.push(stale?.n);
      return { n: given.length, version };
    };
    await kept.get('r:1', read);
    version++;
    await kept.get('r:1', read);
    assert.deepEqual(given, [undefined, 1], 'the second read was given the stale value');

    // Stale, and forgotten (a change stored) while a reader waits for it: nothing of it is passed on.
    version++;
    const asking = kept.get('r:1', read);
    kept.forget('r:1');
    await asking;
    assert.deepEqual(given.slice(2), [undefined]);
  });
});
