import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WriteBatcher } from '../../src/chat/write-batcher.js';

/** A store that records each batch it is given and answers after `delayMs`. */
function recordingStore(delayMs = 0, answer = (item: number): number | Error => item * 10) {
  const batches: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const store = async (items: number[]) => {
    batches.push(items);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    inFlight--;
    return items.map(answer);
  };
  return { store, batches, maxInFlight: () => maxInFlight };
}

test('writes of one turn go to the store as one batch, in order', async () => {
  const { store, batches } = recordingStore();
  const batcher = new WriteBatcher(store, 100);
  const results = await Promise.all([1, 2, 3, 4].map((n) => batcher.write(n)));
  assert.deepEqual(results, [10, 20, 30, 40]);
  assert.deepEqual(batches, [[1, 2, 3, 4]]);
});

test('writes made while a batch is stored wait for it and form the next batch; one batch at a time', async () => {
  const { store, batches, maxInFlight } = recordingStore(20);
  const batcher = new WriteBatcher(store, 100);
  const first = batcher.write(1);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const later = [2, 3, 4].map((n) => batcher.write(n));
  await Promise.all([first, ...later]);
  assert.deepEqual(batches, [[1], [2, 3, 4]]);
  assert.equal(maxInFlight(), 1);
});

test('a batch holds at most maxBatch writes', async () => {
  const { store, batches } = recordingStore();
  const batcher = new WriteBatcher(store, 3);
  await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => batcher.write(n)));
  assert.deepEqual(batches, [[1, 2, 3], [4, 5, 6], [7]]);
});

test('an Error outcome fails only its own write; a store that throws fails its whole batch only', async () => {
  const refused = new Error('refused');
  const { store } = recordingStore(0, (n) => (n === 2 ? refused : n));
  const batcher = new WriteBatcher(store, 100);
  const outcomes = await Promise.allSettled([1, 2, 3].map((n) => batcher.write(n)));
  assert.deepEqual(
    outcomes.map((o) => (o.status === 'fulfilled' ? o.value : o.reason)),
    [1, refused, 3],
  );

  let calls = 0;
  const flaky = new WriteBatcher(async (items: number[]) => {
    if (calls++ === 0) throw new Error('database down');
    return items;
  }, 100);
  const failed = await Promise.allSettled([flaky.write(1), flaky.write(2)]);
  assert.deepEqual(
    failed.map((o) => o.status),
    ['rejected', 'rejected'],
  );
  assert.equal(await flaky.write(3), 3);
});

test('a store that answers for the wrong number of writes fails the batch instead of leaving one unanswered', async () => {
  const batcher = new WriteBatcher(async (items: number[]) => items.slice(1), 100);
  const outcomes = await Promise.allSettled([batcher.write(1), batcher.write(2)]);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['rejected', 'rejected'],
  );
});

test('idle() waits for every write queued so far', async () => {
  const { store } = recordingStore(10);
  const batcher = new WriteBatcher(store, 100);
  let done = 0;
  for (const n of [1, 2, 3]) batcher.write(n).then(() => done++);
  await batcher.idle();
  assert.equal(done, 3);
});
