import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type session from 'express-session';
import type { DataSource } from 'typeorm';
import { DatabaseSessionStore } from '../../src/chat/session-store.js';
import type { SessionRow } from '../../src/db/entities.js';

/** The sessions table in memory, counting reads; `hold()` keeps the next read waiting. */
class FakeSessionsTable {
  readonly rows = new Map<string, SessionRow>();
  reads = 0;
  deletes = 0;
  private held: Promise<void> | null = null;

  hold(): () => void {
    let release!: () => void;
    this.held = new Promise((resolve) => {
      release = resolve;
    });
    return release;
  }

  async findOneBy({ id }: { id: string }): Promise<SessionRow | null> {
    this.reads++;
    const row = this.rows.get(id) ?? null;
    const held = this.held;
    this.held = null;
    if (held) await held;
    return row && { ...row };
  }

  async upsert(row: SessionRow): Promise<void> {
    this.rows.set(row.id, { ...row });
  }

  async update({ id }: { id: string }, changes: Partial<SessionRow>): Promise<void> {
    const row = this.rows.get(id);
    if (row) Object.assign(row, changes);
  }

  async delete({ id }: { id: string | { value: string[] } }): Promise<void> {
    this.deletes++;
    for (const sid of typeof id === 'string' ? [id] : id.value) this.rows.delete(sid);
  }
}

function storeOn(table: FakeSessionsTable): DatabaseSessionStore {
  const db = { getRepository: () => table } as unknown as DataSource;
  return new DatabaseSessionStore(db, 86_400_000, 60_000);
}

const data = (userId: number) =>
  ({ cookie: { expires: new Date(Date.now() + 86_400_000), originalMaxAge: 86_400_000 }, userId }) as never;

function get(store: DatabaseSessionStore, sid: string) {
  return new Promise<(session.SessionData & { userId?: number }) | null | undefined>((resolve, reject) =>
    store.get(sid, (err, value) => (err ? reject(err) : resolve(value))),
  );
}
const set = (store: DatabaseSessionStore, sid: string, value: never) =>
  new Promise<void>((resolve, reject) => store.set(sid, value, (err) => (err ? reject(err) : resolve())));
const destroy = (store: DatabaseSessionStore, sid: string) =>
  new Promise<void>((resolve, reject) => store.destroy(sid, (err) => (err ? reject(err) : resolve())));

describe('database session store', () => {
  test('reads a session from the database once, then from memory, as a new object each time', async () => {
    const table = new FakeSessionsTable();
    const store = storeOn(table);
    await set(store, 'a', data(1));
    const first = await get(store, 'a');
    const second = await get(store, 'a');
    assert.equal(table.reads, 1);
    assert.equal(second?.userId, 1);
    assert.notEqual(first, second);
  });

  test('a saved session is read back as saved, not as cached', async () => {
    const table = new FakeSessionsTable();
    const store = storeOn(table);
    await set(store, 'a', data(1));
    await get(store, 'a');
    await set(store, 'a', data(2));
    assert.equal((await get(store, 'a'))?.userId, 2);
  });

  test('destroying one session or many forgets them at once', async () => {
    const table = new FakeSessionsTable();
    const store = storeOn(table);
    for (const sid of ['a', 'b', 'c']) {
      await set(store, sid, data(1));
      await get(store, sid);
    }
    await destroy(store, 'a');
    await store.destroyMany(['b']);
    assert.equal(await get(store, 'a'), null);
    assert.equal(await get(store, 'b'), null);
    assert.equal((await get(store, 'c'))?.userId, 1);
  });

  test('a read that was under way while its session was destroyed is not kept', async () => {
    const table = new FakeSessionsTable();
    const store = storeOn(table);
    await set(store, 'a', data(1));
    const release = table.hold();
    const slowRead = get(store, 'a');
    await destroy(store, 'a');
    release();
    assert.equal((await slowRead)?.userId, 1, 'it read the row before the delete');
    assert.equal(await get(store, 'a'), null);
  });

  test('an expired session is refused', async () => {
    const table = new FakeSessionsTable();
    const store = storeOn(table);
    table.rows.set('old', { id: 'old', userId: 1, expiresAt: Date.now() - 1, data: '{"userId":1}' });
    assert.equal(await get(store, 'old'), null);
  });
  test('a new id at login deletes the old session only when it was read from the store', async () => {
    const table = new FakeSessionsTable();
    const store = storeOn(table);
    // What express-session adds to its store, and what it does at `regenerate`.
    let ids = 0;
    Object.assign(store, {
      generate(req: { sessionID?: string; session?: object }) {
        req.sessionID = `fresh-${++ids}`;
        req.session = {};
      },
    });
    const regenerate = (req: object) =>
      new Promise<void>((resolve, reject) =>
        store.regenerate(req as never, (err) => (err ? reject(err) : resolve())),
      );

    // A browser with no stored session: its session was made for this request, never written.
    const fresh = { sessionID: 'made-for-this-request', session: {} };
    await regenerate(fresh);
    assert.equal(table.deletes, 0);
    assert.equal(fresh.sessionID, 'fresh-1');

    // A session read from the store (a login over an earlier one, or a planted id): deleted.
    await set(store, 'stored', data(7));
    const loaded: { sessionID: string; session?: object } = { sessionID: 'stored' };
    store.createSession(loaded as never, (await get(store, 'stored'))!);
    await regenerate(loaded);
    assert.equal(table.deletes, 1);
    assert.equal(table.rows.has('stored'), false);
    assert.equal(loaded.sessionID, 'fresh-2');
  });
});
