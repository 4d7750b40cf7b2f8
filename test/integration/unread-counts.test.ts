import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { dmConversation, dmKey, roomConversation } from '../../src/chat/conversations.js';
import type { Delivery } from '../../src/chat/delivery.js';
import { type Mark, storeMarks } from '../../src/chat/read-marks.js';
import { ReadStateService, UNREAD_CAP, type UnreadSummary } from '../../src/chat/read-state.service.js';
import { testDialect } from '../helpers/database.js';
import { countingDatabase, type SeededDatabase, seededDatabase } from '../helpers/seeded-database.js';

// Every signed-in page shows what is unread in each of the user's conversations. The
// counts take a fixed number of statements, however many conversations the user is in.

const nowhere: Delivery = { toRoom() {}, toUser() {}, toUsersOutsideRoom() {} };

describe(`unread counts (${testDialect()})`, () => {
  let seeded: SeededDatabase;
  let db: DataSource;
  let mira: number;
  let nils: number;
  let oona: number;
  let pia: number;
  let rooms: number[] = [];

  before(async () => {
    seeded = await seededDatabase(['mira', 'nils', 'oona', 'pia']);
    ({ db, roomIds: rooms } = seeded);
    [mira, nils, oona, pia] = seeded.userIds as [number, number, number, number];
  });
  after(() => seeded.close());

  /** Stores `count` messages and answers with their ids. */
  const post = async (where: { roomId: number } | { dm: string }, fromUserId: number, count: number) => {
    const ids: number[] = [];
    for (let n = 0; n < count; n++) {
      const [roomId, dm] = 'roomId' in where ? [where.roomId, null] : [null, where.dm];
      await db.query(
        'INSERT INTO messages (room_id, to_user_id, dm_key, from_user_id, text, client_id, created_at) VALUES (?, NULL, ?, ?, ?, ?, ?)',
        [roomId, dm, fromUserId, `message ${n}`, `${fromUserId}-${Math.random()}`, Date.now()],
      );
      const [row]: { id: number }[] = await db.query('SELECT MAX(id) AS id FROM messages');
      ids.push(Number(row!.id));
    }
    return ids;
  };

  const mark = (userId: number, conversation: Mark['conversation'], readId: number): Mark => ({
    userId,
    conversation,
    readId,
    deliveredId: readId,
  });

  test('counts messages from others after the read mark, up to the cap, in three statements', async () => {
    const [r0, r1, r2, r3] = rooms as [number, number, number, number];
    await post({ roomId: r0 }, nils, UNREAD_CAP + 5);
    await post({ roomId: r0 }, mira, 3);
    const inR1 = await post({ roomId: r1 }, nils, 5);
    await post({ roomId: r3 }, oona, 2);
    const withNils = dmKey(mira, nils);
    await post({ dm: withNils }, nils, 4);
    await post({ dm: withNils }, mira, 1);
    const withOona = dmKey(mira, oona);
    const fromOona = await post({ dm: withOona }, oona, 1);
    await storeMarks(db)([
      mark(mira, roomConversation(r0), 0),
      mark(mira, roomConversation(r1), inR1[1]!),
      mark(mira, roomConversation(r2), 0),
      mark(mira, roomConversation(r3), 0),
      mark(mira, dmConversation(mira, nils), 0),
      mark(mira, dmConversation(mira, oona), fromOona[0]!),
    ]);

    const counting = countingDatabase(db);
    const unread = await new ReadStateService(counting.db, nowhere).unread(mira);
    const byRoom = Object.fromEntries(unread.rooms.map((r) => [r.roomId, r.unread]));
    assert.deepEqual(byRoom, { [r0]: UNREAD_CAP, [r1]: 3, [r2]: 0, [r3]: 2 });
    assert.equal(unread.rooms.find((r) => r.roomId === r1)?.lastReadId, inR1[1]);
    const byPeer = Object.fromEntries(unread.dms.map((d) => [d.userId, d.unread]));
    assert.deepEqual(byPeer, { [nils]: 4, [oona]: 0 });
    assert.deepEqual(counting.statements, ['SELECT', 'SELECT', 'SELECT'], 'marks, rooms, private ones');
  });

  test('past a hundred conversations of a kind the counts still land on the right ones', async () => {
    const marks: Mark[] = [];
    // Private conversations with 130 made-up people (a mark needs no account behind it).
    for (let n = 0; n < 130; n++) marks.push(mark(oona, dmConversation(oona, 100_000 + n), 0));
    await storeMarks(db)(marks);
    await post({ dm: dmKey(oona, 100_000 + 119) }, nils, 2);
    await post({ dm: dmKey(oona, 100_000 + 3) }, nils, 1);

    const counting = countingDatabase(db);
    const unread = await new ReadStateService(counting.db, nowhere).unread(oona);
    const nonZero = Object.fromEntries(
      unread.dms.filter((d) => d.unread > 0).map((d) => [d.userId, d.unread]),
    );
    assert.equal(unread.dms.length, 130);
    assert.deepEqual(nonZero, { 100003: 1, 100119: 2 });
    assert.equal(counting.statements.length, 1 + 2, 'marks, then two statements of up to 100');
  });

  test('kept while nothing changes; a stored message, a read mark or a join counts again', async () => {
    const counting = countingDatabase(db);
    const readState = new ReadStateService(counting.db, nowhere);
    const r1 = rooms[1]!;
    const inR1 = (summary: UnreadSummary) => summary.rooms.find((r) => r.roomId === r1)!;
    const first = await readState.unread(mira);
    const statements = counting.statements.length;
    assert.equal(await readState.unread(mira), first, 'the second ask is answered from memory');
    assert.equal(counting.statements.length, statements);

    const [id] = await post({ roomId: r1 }, nils, 1);
    readState.noteStored(roomConversation(r1), id!);
    assert.equal(inR1(await readState.unread(mira)).unread, inR1(first).unread + 1, 'a new message counts');

    await readState.read({ id: mira, username: 'mira', avatar: '/avatars/1.svg' }, roomConversation(r1), id!);
    assert.deepEqual(inR1(await readState.unread(mira)), { roomId: r1, unread: 0, lastReadId: id });

    const withNils = dmConversation(mira, nils);
    await readState.join(mira, withNils);
    const [dmId] = await post({ dm: withNils.dmKey! }, nils, 1);
    readState.noteStored(withNils, dmId!);
    const before = await readState.unread(mira);
    await readState.delivered(mira, withNils, dmId!, nils);
    assert.equal(await readState.unread(mira), before, 'a delivery mark changes no count');

    await readState.join(mira, dmConversation(mira, 200_000));
    assert.ok(
      (await readState.unread(mira)).dms.some((d) => d.userId === 200_000),
      'a joined conversation shows',
    );
  });

  test('after new messages only their conversations are counted again, from the marks kept', async () => {
    const sql: string[] = [];
    const counting = countingDatabase(db, (statement, parameters) => {
      sql.push(statement);
      return db.query(statement, parameters);
    });
    const readState = new ReadStateService(counting.db, nowhere);
    const first = await readState.unread(mira);
    const [r0, , r2] = rooms as [number, number, number];
    const ids = await post({ roomId: r2 }, oona, 2);
    readState.noteStored(roomConversation(r2), ids[1]!);
    sql.length = 0;

    const second = await readState.unread(mira);
    assert.equal(sql.length, 1, 'no marks are read: one statement counts');
    assert.equal(sql[0]!.split('COUNT(*)').length - 1, 1, 'and it counts one conversation');
    const byRoom = (summary: UnreadSummary) =>
      Object.fromEntries(summary.rooms.map((r) => [r.roomId, r.unread]));
    assert.deepEqual(byRoom(second), { ...byRoom(first), [r2]: byRoom(first)[r2]! + 2 });
    assert.deepEqual(second.dms, first.dms);

    // A room past the cap stays at the cap; a moved mark still reads the marks again.
    const [more] = await post({ roomId: r0 }, nils, 1);
    readState.noteStored(roomConversation(r0), more!);
    sql.length = 0;
    assert.equal(byRoom(await readState.unread(mira))[r0], UNREAD_CAP);
    assert.equal(sql.length, 1, 'counted again');
    await readState.read(
      { id: mira, username: 'mira', avatar: '/avatars/1.svg' },
      roomConversation(r2),
      ids[0]!,
    );
    sql.length = 0;
    const third = await readState.unread(mira);
    assert.equal(byRoom(third)[r2], 1);
    assert.match(sql[0]!, /FROM read_state/, 'the marks are read again');
  });

  test('joins remembered are bounded: past the limit the oldest is forgotten, and joins still hold', async () => {
    const counting = countingDatabase(db);
    const readState = new ReadStateService(counting.db, nowhere, { remembered: 2 });
    const [r0, r1, r2] = rooms as [number, number, number];
    for (const roomId of [r0, r1, r2]) await readState.join(oona, roomConversation(roomId));
    const statements = counting.statements.length;
    await readState.join(oona, roomConversation(r2));
    assert.equal(counting.statements.length, statements, 'the latest join is remembered: no write');
    await readState.join(oona, roomConversation(r0));
    assert.equal(counting.statements.length, statements + 1, 'the oldest was forgotten: written again');
  });

  test("a room's members let go past the limit are read again, with whoever joined", async () => {
    const counting = countingDatabase(db);
    const readState = new ReadStateService(counting.db, nowhere, { rooms: 1 });
    const [r0, r1] = rooms as [number, number];
    const before = await readState.roomMembers(r0);
    assert.ok(!before.has(pia));
    await readState.roomMembers(r1);
    await readState.join(pia, roomConversation(r0));
    const statements = counting.statements.length;
    const after = await readState.roomMembers(r0);
    assert.equal(counting.statements.length, statements, 'kept again since the join');
    assert.notEqual(after, before, 'the set let go was read again');
    assert.ok(after.has(pia));
  });

  test("both people's receipts of a private conversation come from one statement", async () => {
    const counting = countingDatabase(db);
    const readState = new ReadStateService(counting.db, nowhere);
    const conversation = dmConversation(nils, oona);
    const ids = await post({ dm: conversation.dmKey! }, nils, 3);
    await storeMarks(db)([
      { userId: oona, conversation, readId: ids[0]!, deliveredId: ids[2]! },
      { userId: nils, conversation, readId: ids[2]!, deliveredId: ids[2]! },
    ]);
    const receipts = await readState.receiptsOf([oona, nils, 300_000], conversation);
    assert.deepEqual(receipts, [
      { deliveredUpTo: ids[2], readUpTo: ids[0] },
      { deliveredUpTo: ids[2], readUpTo: ids[2] },
      { deliveredUpTo: 0, readUpTo: 0 },
    ]);
    assert.equal(counting.statements.length, 1);
  });
});
