import type { Request } from 'express';
import session from 'express-session';
import { type DataSource, In, LessThan, type Repository } from 'typeorm';
import { SessionEntity, type SessionRow } from '../db/entities.js';
import { SessionCache } from './session-cache.js';

type Callback<T = void> = (err?: unknown, value?: T) => void;

const DAY_MS = 86_400_000;
/** A session's expiry is pushed forward at most this often (touch would otherwise write on every request). */
const TOUCH_EVERY_MS = 60 * 60_000;
const MAX_REMEMBERED = 50_000;
/**
 * How long a session read from the database is reused. Logouts and other changes made by
 * this process take effect at once; a second process sharing the database would go on
 * accepting a session the first one ended for up to this long.
 */
export const SESSION_CACHE_TTL_MS = 5_000;
const SESSION_CACHE_SIZE = 10_000;

/** express-session store on our own database, so logins survive restarts and are shared by processes. */
export class DatabaseSessionStore extends session.Store {
  private readonly repo: Repository<SessionRow>;
  /** Expiry last written per session id, so `touch` can skip needless writes. */
  private readonly written = new Map<string, number>();
  private readonly cache: SessionCache;
  /** A new session for the request; express-session adds it to its store. */
  declare generate: (req: Request) => void;
  /** Sessions of requests in flight that were read from the store (see `regenerate`). */
  private readonly loaded = new WeakSet<object>();

  constructor(
    db: DataSource,
    private readonly defaultMaxAgeMs = DAY_MS,
    cacheTtlMs = SESSION_CACHE_TTL_MS,
  ) {
    super();
    this.repo = db.getRepository(SessionEntity);
    this.cache = new SessionCache(cacheTtlMs, SESSION_CACHE_SIZE);
  }

  override get(sid: string, cb: Callback<session.SessionData | null>): void {
    const cached = this.cache.get(sid);
    if (cached) {
      cb(undefined, JSON.parse(cached.data));
      return;
    }
    const readToken = this.cache.readStarted();
    this.repo.findOneBy({ id: sid }).then((row) => {
      if (!row || row.expiresAt <= Date.now()) return cb(undefined, null);
      this.remember(sid, row.expiresAt);
      this.cache.fill(sid, { data: row.data, expiresAt: row.expiresAt }, readToken);
      cb(undefined, JSON.parse(row.data));
    }, cb);
  }

  /** express-session builds each session it read from the store here. */
  override createSession(req: Request, data: session.SessionData): session.Session & session.SessionData {
    const loaded = super.createSession(req, data);
    this.loaded.add(loaded);
    return loaded;
  }

  /**
   * A new id for the request's session (at login, against fixation). Only a session read
   * from the store has a row to delete: one made for this request was never written, and
   * deleting its id anyway costs a commit on every login from a fresh browser.
   */
  override regenerate(req: Request, cb: (err?: unknown) => void): void {
    if (req.session && this.loaded.has(req.session)) {
      super.regenerate(req, cb);
      return;
    }
    this.generate(req);
    cb();
  }

  override set(sid: string, data: session.SessionData, cb?: Callback): void {
    const row: SessionRow = {
      id: sid,
      userId: (data as { userId?: number }).userId ?? null,
      expiresAt: this.expiry(data),
      data: JSON.stringify(data),
    };
    this.cache.drop([sid]);
    this.repo.upsert(row, ['id']).then(
      () => {
        this.cache.drop([sid]);
        this.remember(sid, row.expiresAt);
        cb?.();
      },
      (err) => {
        this.cache.drop([sid]);
        cb?.(err);
      },
    );
  }

  override touch(sid: string, data: session.SessionData, cb?: Callback): void {
    const expiresAt = this.expiry(data);
    if (expiresAt - (this.written.get(sid) ?? 0) < TOUCH_EVERY_MS) {
      cb?.();
      return;
    }
    this.repo.update({ id: sid }, { expiresAt }).then(
      () => {
        this.remember(sid, expiresAt);
        this.cache.extend(sid, expiresAt);
        cb?.();
      },
      (err) => cb?.(err),
    );
  }

  override destroy(sid: string, cb?: Callback): void {
    this.written.delete(sid);
    this.cache.drop([sid]);
    this.repo.delete({ id: sid }).then(
      () => {
        this.cache.drop([sid]);
        cb?.();
      },
      (err) => {
        this.cache.drop([sid]);
        cb?.(err);
      },
    );
  }

  private remember(sid: string, expiresAt: number): void {
    if (this.written.size >= MAX_REMEMBERED) this.written.clear();
    this.written.set(sid, expiresAt);
  }

  /** Ids of every live session of a user (for ending them all). */
  async sessionIdsOf(userId: number): Promise<string[]> {
    const rows = await this.repo.find({ select: { id: true }, where: { userId } });
    return rows.map((row) => row.id);
  }

  async destroyMany(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    for (const id of ids) this.written.delete(id);
    this.cache.drop(ids);
    try {
      await this.repo.delete({ id: In(ids) });
    } finally {
      this.cache.drop(ids);
    }
  }

  async deleteExpired(): Promise<number> {
    // Cached sessions carry their expiry and are refused once it passes.
    const result = await this.repo.delete({ expiresAt: LessThan(Date.now()) });
    return result.affected ?? 0;
  }

  private expiry(data: session.SessionData): number {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.defaultMaxAgeMs;
  }
}
