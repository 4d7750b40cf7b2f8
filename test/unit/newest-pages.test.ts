import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_KEPT_PAGES, NewestPages } from '../../src/chat/newest-pages.js';
import type { HistoryPage } from '../../src/shared/wire.js';

/** A stand-in for the database: counts reads, and each read's page names its number. */
function source() {
  let reads = 0;
  const read = async (): Promise<HistoryPage> => {
    reads++;
    return { messages: [], hasMore: false, receipts: { deliveredUpTo: reads, readUpTo: 0 } };
  };
  return { read, reads: () => reads };
}

const readNumber = (page: HistoryPage) => page.receipts!.deliveredUpTo;

/** A read that finishes only when told to. */
function heldRead() {
  let finish!: () => void;
  const started = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    read: async (): Promise<HistoryPage> => {
      await started;
      return { messages: [], hasMore: false };
    },
    finish: () => finish(),
  };
}

describe('newest pages', () => {
  test('a page is read once and then served from memory', async () => {
    const pages = new NewestPages(() => 0);
    const db = source();
    const first = await pages.get('r:1', db.read);
    const second = await pages.get('r:1', db.read);
    assert.equal(db.reads(), 1);
    assert.equal(second, first);
  });

  test('readers at the same time share one read', async () => {
    const pages = new NewestPages(() => 0);
    const db = source();
    const both = await Promise.all([pages.get('r:1', db.read), pages.get('r:1', db.read)]);
    assert.equal(db.reads(), 1);
    assert.equal(both[0], both[1]);
  });

  test('conversations are kept apart', async () => {
    const pages = new NewestPages(() => 0);
    const db = source();
    await pages.get('r:1', db.read);
    await pages.get('r:2', db.read);
    assert.equal(db.reads(), 2);
  });

  test('a stored message makes the next reader read again', async () => {
    const pages = new NewestPages(() => 0);
    const db = source();
    await pages.get('r:1', db.read);
    pages.forget('r:1');
    assert.equal(readNumber(await pages.get('r:1', db.read)), 2);
    assert.equal(readNumber(await pages.get('r:1', db.read)), 2);
  });

  test('a read under way when a message is stored answers its readers but is not kept', async () => {
    const pages = new NewestPages(() => 0);
    const held = heldRead();
    const early = pages.get('r:1', held.read);
    pages.forget('r:1');
    held.finish();
    await early;
    const db = source();
    await pages.get('r:1', db.read);
    assert.equal(db.reads(), 1, 'the page read before the message was not kept');
  });

  test('a changed name or picture makes kept pages stale', async () => {
    let authors = 0;
    const pages = new NewestPages(() => authors);
    const db = source();
    await pages.get('r:1', db.read);
    authors++;
    assert.equal(readNumber(await pages.get('r:1', db.read)), 2);
    assert.equal(readNumber(await pages.get('r:1', db.read)), 2);
  });

  test('a change during the read is not hidden by it', async () => {
    let authors = 0;
    const pages = new NewestPages(() => authors);
    const db = source();
    const slow = async () => {
      const page = await db.read();
      if (db.reads() === 1) authors++;
      return page;
    };
    await pages.get('r:1', slow);
    await pages.get('r:1', db.read);
    assert.equal(db.reads(), 2, 'a page begun before the change is read again');
  });

  test('kept pages are frozen: one reader cannot change what the next one gets', async () => {
    const pages = new NewestPages(() => 0);
    const page = await pages.get('r:1', source().read);
    assert.throws(() => page.messages.push({} as never), TypeError);
    assert.throws(() => {
      (page as { hasMore: boolean }).hasMore = true;
    }, TypeError);
  });

  test(`at most ${MAX_KEPT_PAGES} pages are kept, the least recently read going first`, async () => {
    const pages = new NewestPages(() => 0);
    const db = source();
    for (let i = 0; i < MAX_KEPT_PAGES; i++) await pages.get(`r:${i}`, db.read);
    await pages.get('r:0', db.read); // read recently: stays
    await pages.get('r:new', db.read); // pushes out r:1, the least recently read
    const before = db.reads();
    await pages.get('r:0', db.read);
    assert.equal(db.reads(), before, 'r:0 was kept');
    await pages.get('r:1', db.read);
    assert.equal(db.reads(), before + 1, 'r:1 was let go');
  });

  test('a failed read is not kept', async () => {
    const pages = new NewestPages(() => 0);
    await assert.rejects(
      pages.get('r:1', async () => {
        throw new Error('database away');
      }),
      /database away/,
    );
    const db = source();
    await pages.get('r:1', db.read);
    assert.equal(db.reads(), 1);
  });
});
