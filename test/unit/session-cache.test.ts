import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SessionCache } from '../../src/chat/session-cache.js';

function cacheAt(start: number, ttlMs = 5_000, maxEntries = 100) {
  const clock = { now: start };
  const cache = new SessionCache(ttlMs, maxEntries, () => clock.now);
  return { cache, clock };
}

const session = (userId: number, expiresAt = 1_000_000) => ({ data: JSON.stringify({ userId }), expiresAt });

describe('session cache', () => {
  test('serves a session read from the database until its time to live runs out', () => {
    const { cache, clock } = cacheAt(1_000);
    cache.fill('a', session(1), cache.readStarted());
    assert.equal(cache.get('a')?.data, '{"userId":1}');
    clock.now += 4_999;
    assert.ok(cache.get('a'));
    clock.now += 1;
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.size, 0);
  });

  test('never serves a session past its own expiry, however fresh the copy', () => {
    const { cache, clock } = cacheAt(1_000);
    cache.fill('a', session(1, 2_000), cache.readStarted());
    clock.now = 1_999;
    assert.ok(cache.get('a'));
    clock.now = 2_000;
    assert.equal(cache.get('a'), undefined);
  });

  test('a touch moves the expiry of the cached copy', () => {
    const { cache, clock } = cacheAt(1_000);
    cache.fill('a', session(1, 2_000), cache.readStarted());
    cache.extend('a', 10_000);
    clock.now = 3_000;
    assert.ok(cache.get('a'));
  });

  test('a dropped session is gone at once', () => {
    const { cache } = cacheAt(1_000);
    cache.fill('a', session(1), cache.readStarted());
    cache.fill('b', session(2), cache.readStarted());
    cache.drop(['a']);
    assert.equal(cache.get('a'), undefined);
    assert.ok(cache.get('b'));
  });

  test('a database read that overlapped a change is not cached', () => {
    const { cache } = cacheAt(1_000);
    const token = cache.readStarted();
    cache.drop(['a']); // e.g. logout while the read was in flight
    cache.fill('a', session(1), token);
    assert.equal(cache.get('a'), undefined);
    cache.fill('a', session(1), cache.readStarted());
    assert.ok(cache.get('a'));
  });

  test('holds at most its size, forgetting the oldest first', () => {
    const { cache } = cacheAt(1_000, 5_000, 3);
    for (const sid of ['a', 'b', 'c', 'd']) cache.fill(sid, session(1), cache.readStarted());
    assert.equal(cache.size, 3);
    assert.equal(cache.get('a'), undefined);
    for (const sid of ['b', 'c', 'd']) assert.ok(cache.get(sid), sid);
  });
});
