import session from 'express-session';
import { type DataSource, In, LessThan, type Repository } from 'typeorm';
import { SessionEntity, type SessionRow } from '../db/entities.js';

type Callback<T = void> = (err?: unknown, value?: T) => void;

const DAY_MS = 86_400_000;
/** A session's expiry is pushed forward at most this often (touch would otherwise write on every request). */
const TOUCH_EVERY_MS = 60 * 60_000;
const MAX_REMEMBERED = 50_000;

/** express-session store on our own database, so logins survive restarts and are shared by processes. */
export class DatabaseSessionStore extends session.Store {
  private readonly repo: Repository<SessionRow>;
  /** Expiry last written per session id, so `touch` can skip needless writes. */
  private readonly written = new Map<string, number>();

  constructor(
    db: DataSource,
    private readonly defaultMaxAgeMs = DAY_MS,
  ) {
    super();
    this.repo = db.getRepository(SessionEntity);
  }

  override get(sid: string, cb: Callback<session.SessionData | null>): void {
    this.repo.findOneBy({ id: sid }).then((row) => {
      if (!row || row.expiresAt <= Date.now()) return cb(undefined, null);
      this.remember(sid, row.expiresAt);
      cb(undefined, JSON.parse(row.data));
    }, cb);
  }

  override set(sid: string, data: session.SessionData, cb?: Callback): void {
    const row: SessionRow = {
      id: sid,
      userId: (data as { userId?: number }).userId ?? null,
      expiresAt: this.expiry(data),
      data: JSON.stringify(data),
    };
    this.repo.upsert(row, ['id']).then(
      () => {
        this.remember(sid, row.expiresAt);
        cb?.();
      },
      (err) => cb?.(err),
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
        cb?.();
      },
      (err) => cb?.(err),
    );
  }

  override destroy(sid: string, cb?: Callback): void {
    this.written.delete(sid);
    this.repo.delete({ id: sid }).then(
      () => cb?.(),
      (err) => cb?.(err),
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
    if (ids.length > 0) await this.repo.delete({ id: In(ids) });
  }

  async deleteExpired(): Promise<number> {
    const result = await this.repo.delete({ expiresAt: LessThan(Date.now()) });
    return result.affected ?? 0;
  }

  private expiry(data: session.SessionData): number {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.defaultMaxAgeMs;
  }
}
