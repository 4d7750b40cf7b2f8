import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DataSource, In } from 'typeorm';
import { AppError } from '../../src/chat/errors.js';
import { type BatchOutcome, storeBatch } from '../../src/chat/message-batch.js';
import { MessageWriter, type WriteResult } from '../../src/chat/message-writer.js';
import { supportsInsertReturning } from '../../src/db/dialect.js';
import { AttachmentEntity, MessageEntity } from '../../src/db/entities.js';
import type { NewMessage } from '../../src/db/message-rows.js';
import { testDialect } from '../helpers/database.js';
import { countingDatabase, type SeededDatabase, seededDatabase } from '../helpers/seeded-database.js';

// The writer stores every message that arrives in one turn with one multi-row INSERT.
// These cases put many sends into one batch and check what each caller is answered.

describe(`message writer (${testDialect()})`, () => {
  let seeded: SeededDatabase;
  let db: DataSource;
  let writer: MessageWriter;
  let users: number[] = [];
  let roomId = 0;
  let clientSeq = 0;
  /** Whether this database answers INSERT … RETURNING (SQLite, MariaDB 10.5+). */
  let returning = false;

  before(async () => {
    seeded = await seededDatabase(['wanda', 'xavier', 'yusuf']);
    ({ db, userIds: users } = seeded);
    roomId = seeded.roomIds[0]!;
    returning = await supportsInsertReturning(db);
    writer = new MessageWriter(db, returning);
  });

  after(() => seeded.close());

  const message = (fromUserId: number, fields: Partial<NewMessage> = {}): NewMessage => ({
    roomId,
    toUserId: null,
    dmKey: null,
    fromUserId,
    text: `hello ${++clientSeq}`,
    clientId: `client-${clientSeq}`,
    attachmentId: null,
    createdAt: Date.now(),
    ...fields,
  });

  test('sends of one turn are stored together, with ids growing in the order they were written', async () => {
    const counting = countingDatabase(db);
    const batchWriter = new MessageWriter(counting.db, returning);
    const rows = Array.from({ length: 120 }, (_, i) => message(users[i % 3]!));
    const results = await Promise.all(rows.map((row) => batchWriter.write(row)));
    assert.deepEqual(counting.statements, returning ? ['INSERT'] : ['INSERT', 'SELECT', 'SELECT']);
    const ids = results.map((r) => r.row.id);
    assert.ok(results.every((r) => r.created));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    assert.equal(new Set(ids).size, rows.length);
    for (const [i, result] of results.entries()) {
      assert.equal(result.row.text, rows[i]!.text);
      assert.equal(result.row.fromUserId, rows[i]!.fromUserId);
    }
    const stored = await db.getRepository(MessageEntity).findBy({ roomId });
    const byId = new Map(stored.map((row) => [row.id, row]));
    for (const result of results) assert.deepEqual(byId.get(result.row.id), result.row);
  });

  /** storeBatch with every statement's first word recorded. */
  const storeCounting = async (rows: NewMessage[], returning: boolean) => {
    const counting = countingDatabase(db);
    const outcomes = await storeBatch(counting.db, rows, returning);
    return { statements: counting.statements, outcomes };
  };

  const assertStoredAsAnswered = async (rows: NewMessage[], outcomes: BatchOutcome[]) => {
    assert.equal(outcomes.length, rows.length);
    const stored = await db
      .getRepository(MessageEntity)
      .findBy({ clientId: In(rows.map((r) => r.clientId)) });
    const byId = new Map(stored.map((row) => [row.id, row]));
    for (const [i, outcome] of outcomes.entries()) {
      assert.ok(!(outcome instanceof Error));
      assert.deepEqual(byId.get(outcome.row.id), { ...rows[i], id: outcome.row.id });
    }
  };

  test('a batch is one INSERT … RETURNING whatever its size (SQLite, MariaDB 10.5+)', async (t) => {
    if (!returning) return t.skip('this MySQL has no INSERT … RETURNING');
    const rows = Array.from({ length: 250 }, (_, i) => message(users[i % 3]!));
    const { statements, outcomes } = await storeCounting(rows, true);
    assert.deepEqual(statements, ['INSERT']);
    await assertStoredAsAnswered(rows, outcomes);
  });

  test('without RETURNING (MySQL) a batch is one INSERT, then lookups of the new ids', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => message(users[i % 3]!));
    const { statements, outcomes } = await storeCounting(rows, false);
    // The lookup goes in chunks of 100 (sender, clientId) pairs.
    assert.deepEqual(statements, ['INSERT', 'SELECT', 'SELECT', 'SELECT']);
    await assertStoredAsAnswered(rows, outcomes);
  });

  test('when the database hands back fewer ids than rows, the ids are looked up', async (t) => {
    if (!returning) return t.skip('this MySQL has no INSERT … RETURNING');
    const rows = Array.from({ length: 5 }, (_, i) => message(users[i % 3]!));
    // A driver that stores the rows but answers an INSERT … RETURNING with nothing.
    const { db: forgetful, statements } = countingDatabase(db, async (sql, parameters) => {
      const result = await db.query(sql, parameters);
      return sql.startsWith('INSERT') ? [] : result;
    });
    const outcomes = await storeBatch(forgetful, rows, true);
    assert.deepEqual(statements, ['INSERT', 'SELECT']);
    await assertStoredAsAnswered(rows, outcomes);
  });

  test('a resend, in a later batch or in the same one, is answered with the first copy', async () => {
    const first = message(users[0]!);
    const stored = await writer.write(first);
    const [resend, twinA, twinB] = await Promise.all([
      writer.write({ ...first, text: 'changed on resend' }),
      writer.write(message(users[1]!, { clientId: 'twin' })),
      writer.write(message(users[1]!, { clientId: 'twin' })),
    ]);
    assert.deepEqual(resend, { row: stored.row, created: false });
    assert.equal(twinA.created, true);
    assert.deepEqual(twinB, { row: twinA.row, created: false });
    assert.equal(await db.getRepository(MessageEntity).countBy({ clientId: 'twin' }), 1);
  });

  test('a resend in a batch costs a lookup and one more INSERT, not a statement per send', async () => {
    const [resent] = await storeCounting([message(users[0]!)], returning).then((r) => r.outcomes);
    assert.ok(resent && !(resent instanceof Error));
    const fresh = Array.from({ length: 30 }, (_, i) => message(users[i % 3]!));
    const repeat = { ...fresh[4]! };
    const rows = [...fresh.slice(0, 10), { ...resent.row, text: 'resent' }, ...fresh.slice(10), repeat];
    const { statements, outcomes } = await storeCounting(rows, returning);
    // The refused INSERT, one lookup of the whole batch, the INSERT of what is new
    // (and, without RETURNING, its id lookup).
    assert.deepEqual(
      statements,
      returning ? ['INSERT', 'SELECT', 'INSERT'] : ['INSERT', 'SELECT', 'INSERT', 'SELECT'],
    );
    assert.deepEqual(outcomes[10], { row: resent.row, created: false });
    const first = outcomes[4] as WriteResult;
    assert.equal(first.created, true);
    assert.deepEqual(outcomes[rows.length - 1], { row: first.row, created: false });
    await assertStoredAsAnswered(fresh, [...outcomes.slice(0, 10), ...outcomes.slice(11, -1)]);
  });

  test('the same clientId from two different senders is two messages', async () => {
    const [a, b] = await Promise.all([
      writer.write(message(users[0]!, { clientId: 'shared-id' })),
      writer.write(message(users[2]!, { clientId: 'shared-id' })),
    ]);
    assert.ok(a.created && b.created);
    assert.notEqual(a.row.id, b.row.id);
  });

  test('an attachment already in a message fails that send only; the rest of the batch is stored', async () => {
    await db.getRepository(AttachmentEntity).insert({
      id: 'att-writer-1',
      ownerId: users[0]!,
      name: 'a.txt',
      size: 1,
      mime: 'text/plain',
      isImage: false,
      width: null,
      height: null,
      sha256: '0'.repeat(64),
      storageName: 'att-writer-1',
      isPublic: false,
      createdAt: Date.now(),
    });
    const outcomes = await Promise.allSettled([
      writer.write(message(users[0]!, { attachmentId: 'att-writer-1' })),
      writer.write(message(users[1]!)),
      writer.write(message(users[0]!, { attachmentId: 'att-writer-1' })),
      writer.write(message(users[2]!)),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    const refused = outcomes[2] as PromiseRejectedResult;
    assert.ok(refused.reason instanceof AppError);
    assert.equal(refused.reason.code, 'ATTACHMENT_IN_USE');
    const ids = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.row.id] : []));
    assert.equal(await db.getRepository(MessageEntity).countBy({ id: ids[0]! }), 1);
    assert.equal(await db.getRepository(MessageEntity).countBy({ attachmentId: 'att-writer-1' }), 1);
    for (const id of ids) assert.ok(await db.getRepository(MessageEntity).findOneBy({ id }));
  });
});
