import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { dmConversation, roomConversation } from '../../src/chat/conversations.js';
import { type Mark, storeMarks } from '../../src/chat/read-marks.js';
import { testDialect } from '../helpers/database.js';
import { countingDatabase, type SeededDatabase, seededDatabase } from '../helpers/seeded-database.js';

// Read and delivery marks moved in one turn are written together: one upsert per batch,
// marks only move forward, and a bad mark fails alone.

describe(`read marks (${testDialect()})`, () => {
  let seeded: SeededDatabase;
  let db: DataSource;
  let users: number[] = [];
  let rooms: number[] = [];

  before(async () => {
    seeded = await seededDatabase(['mira', 'nils', 'oona', 'piet']);
    ({ db, userIds: users, roomIds: rooms } = seeded);
  });

  after(() => seeded.close());

  /** storeMarks on a database that counts the statements it is sent. */
  const countingStore = () => {
    const counting = countingDatabase(db);
    return { store: storeMarks(counting.db), statements: counting.statements };
  };

  const rowOf = async (userId: number, key: string) => {
    const [row]: { last_read_id: number; last_delivered_id: number }[] = await db.query(
      'SELECT last_read_id, last_delivered_id FROM read_state WHERE user_id = ? AND conversation = ?',
      [userId, key],
    );
    return row && { read: Number(row.last_read_id), delivered: Number(row.last_delivered_id) };
  };

  test('a batch of marks is one upsert; the same row twice keeps the furthest mark', async () => {
    const { store, statements } = countingStore();
    const marks: Mark[] = [];
    for (const userId of users) {
      for (const roomId of rooms)
        marks.push({ userId, conversation: roomConversation(roomId), readId: 5, deliveredId: 5 });
    }
    const dm = dmConversation(users[0]!, users[1]!);
    marks.push({ userId: users[0]!, conversation: dm, readId: 0, deliveredId: 9 });
    marks.push({ userId: users[0]!, conversation: dm, readId: 7, deliveredId: 7 });
    const outcomes = await store(marks);
    assert.deepEqual(
      outcomes,
      marks.map(() => undefined),
    );
    assert.deepEqual(statements, ['INSERT']);
    assert.deepEqual(await rowOf(users[3]!, roomConversation(rooms[0]!).key), { read: 5, delivered: 5 });
    assert.deepEqual(await rowOf(users[0]!, dm.key), { read: 7, delivered: 9 });
  });

  test('a mark never moves back', async () => {
    const store = storeMarks(db);
    const general = roomConversation(rooms[0]!);
    await store([{ userId: users[2]!, conversation: general, readId: 40, deliveredId: 40 }]);
    await store([{ userId: users[2]!, conversation: general, readId: 12, deliveredId: 0 }]);
    assert.deepEqual(await rowOf(users[2]!, general.key), { read: 40, delivered: 40 });
  });

  test('a mark naming a user that is gone fails alone; the rest of its batch is stored', async () => {
    const { store, statements } = countingStore();
    const dm = dmConversation(users[2]!, users[3]!);
    const outcomes = await store([
      { userId: users[2]!, conversation: dm, readId: 3, deliveredId: 3 },
      { userId: 999_999, conversation: dm, readId: 3, deliveredId: 3 },
      { userId: users[3]!, conversation: dm, readId: 4, deliveredId: 4 },
    ]);
    assert.equal(outcomes[0], undefined);
    assert.ok(outcomes[1] instanceof Error);
    assert.equal(outcomes[2], undefined);
    assert.deepEqual(await rowOf(users[2]!, dm.key), { read: 3, delivered: 3 });
    assert.deepEqual(await rowOf(users[3]!, dm.key), { read: 4, delivered: 4 });
    assert.equal(await rowOf(999_999, dm.key), undefined);
    // The refused batch, then each mark on its own.
    assert.deepEqual(statements, ['INSERT', 'INSERT', 'INSERT', 'INSERT']);
  });

  test('any other error fails the whole batch at once, without a retry per mark', async () => {
    const { db: down, statements } = countingDatabase(db, async () => {
      throw new Error('connection lost');
    });
    const general = roomConversation(rooms[0]!);
    const marks = users.map((userId) => ({ userId, conversation: general, readId: 1, deliveredId: 1 }));
    await assert.rejects(storeMarks(down)(marks), /connection lost/);
    assert.deepEqual(statements, ['INSERT']);
  });
});
