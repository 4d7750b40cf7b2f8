export interface CachedSession {
  /** The session as stored (JSON), parsed afresh for each request so no two share an object. */
  data: string;
  /** When the session itself ends (epoch ms). */
  expiresAt: number;
}

interface Entry extends CachedSession {
  /** When this copy stops being trusted and the database is asked again (epoch ms). */
  freshUntil: number;
}

/**
 * Recently read sessions, so a burst of requests from one browser reads the database
 * once. Entries live a few seconds, the oldest go first when it is full, and every change
 * made through this process (save, logout, ending sessions in bulk) drops or replaces the
 * entry before it takes effect. A read that overlapped such a change is not cached:
 * `readStarted()` returns a token that `fill()` checks.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every change, so a database read that overlapped one is not cached. */
  private changes = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached session, or undefined when the database has to be asked. */
  get(sid: string): CachedSession | undefined {
    const entry = this.entries.get(sid);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.freshUntil > now && entry.expiresAt > now) return entry;
    this.entries.delete(sid);
    return undefined;
  }

  /** Call before reading a session from the database; pass the result to `fill`. */
  readStarted(): number {
    return this.changes;
  }

  /** Caches what the database returned, unless some session changed while it was read. */
  fill(sid: string, session: CachedSession, readToken: number): void {
    if (readToken === this.changes) this.put(sid, session);
  }

  private put(sid: string, session: CachedSession): void {
    this.entries.delete(sid);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(sid, { ...session, freshUntil: this.now() + this.ttlMs });
  }

  /** Moves a cached session's end (after `touch`). */
  extend(sid: string, expiresAt: number): void {
    const entry = this.entries.get(sid);
    if (entry) entry.expiresAt = expiresAt;
  }

  /** Forgets sessions that are being changed or deleted; call before and after the write. */
  drop(sids: Iterable<string>): void {
    this.changes++;
    for (const sid of sids) this.entries.delete(sid);
  }

  get size(): number {
    return this.entries.size;
  }
}
