import { type DataSource, In, type Repository } from 'typeorm';
import { isUniqueViolation } from '../db/dialect.js';
import { UserEntity, type UserRow } from '../db/entities.js';
import type { PublicUser } from '../shared/wire.js';
import { avatarUrl, PRESET_AVATAR_COUNT } from './avatars.js';
import { isCommonPassword } from './common-passwords.js';
import { AppError, invalid } from './errors.js';
import { KeptLoad } from './kept-load.js';
import { cleanNewUsername, cleanUsername, nameKey } from './names.js';
import type { PasswordHasher } from './password-hasher.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface Registration extends Credentials {
  avatar?: number;
}

const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 401, 'Wrong username or password.');

export function toPublicUser(row: UserRow): PublicUser {
  return { id: row.id, username: row.username, avatar: avatarUrl(row.avatar) };
}

/** Accounts: sign-up, password checks and the public view of users. */
export class UsersService {
  private readonly repo: Repository<UserRow>;
  private readonly cache = new Map<number, PublicUser>();
  private changeCount = 0;
  /** Ids of the listed users in list order, read again only after someone signs up. */
  private readonly roster = new KeptLoad(() => this.loadRoster());
  // Compared against when the username is unknown, so both failures take the same time.
  private readonly dummyHash: Promise<string>;

  constructor(
    db: DataSource,
    private readonly passwords: PasswordHasher,
  ) {
    this.repo = db.getRepository(UserEntity);
    this.dummyHash = passwords.hash('natter-dummy-password');
    // Awaited at the first unknown username; a shutdown before then is not an error.
    this.dummyHash.catch(() => {});
  }

  async register(input: Registration): Promise<PublicUser> {
    const username = cleanNewUsername(input.username);
    if (!username) {
      throw invalid('Username must be 2–32 letters, digits, "_", "." or "-".');
    }
    checkPassword(input.password, username);
    const avatar = input.avatar ?? 1 + Math.floor(Math.random() * PRESET_AVATAR_COUNT);
    const passwordHash = await this.passwords.hash(input.password);
    const row = {
      username,
      usernameKey: nameKey(username),
      passwordHash,
      avatar: `preset:${avatar}`,
      createdAt: Date.now(),
    };
    try {
      const result = await this.repo.insert(row);
      const id = Number(result.identifiers[0]!.id);
      this.roster.forget();
      return this.remember({ ...row, id });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('USERNAME_TAKEN', 409, 'That username is taken.');
      throw err;
    }
  }

  /** Same error, and about the same time, for an unknown user and a wrong password. */
  async authenticate(input: Credentials): Promise<PublicUser> {
    const username = cleanUsername(input.username);
    const row = username ? await this.repo.findOneBy({ usernameKey: nameKey(username) }) : null;
    const passwordOk = await this.passwords.compare(
      input.password,
      row?.passwordHash ?? (await this.dummyHash),
    );
    if (!row || !passwordOk) throw invalidCredentials();
    return this.remember(row);
  }

  async get(id: number): Promise<PublicUser | null> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const row = await this.repo.findOneBy({ id });
    return row ? this.remember(row) : null;
  }

  /** Public users by id, from memory where possible. */
  async getMany(ids: Iterable<number>): Promise<Map<number, PublicUser>> {
    const found = new Map<number, PublicUser>();
    const missing: number[] = [];
    for (const id of new Set(ids)) {
      const cached = this.cache.get(id);
      if (cached) found.set(id, cached);
      else missing.push(id);
    }
    if (missing.length > 0) {
      for (const row of await this.repo.findBy({ id: In(missing) })) found.set(row.id, this.remember(row));
    }
    return found;
  }

  /** Changes a password after checking the current one. */
  async changePassword(user: PublicUser, current: string, next: string): Promise<void> {
    const row = await this.repo.findOneByOrFail({ id: user.id });
    if (!(await this.passwords.compare(current, row.passwordHash))) {
      throw new AppError('INVALID_CREDENTIALS', 401, 'Your current password is not right.');
    }
    checkPassword(next, row.username);
    await this.repo.update({ id: user.id }, { passwordHash: await this.passwords.hash(next) });
  }

  /** A preset (`preset:N`) or an uploaded image (`upload:<attachment id>`). */
  async setAvatar(user: PublicUser, avatar: string): Promise<PublicUser> {
    await this.repo.update({ id: user.id }, { avatar });
    const row = await this.repo.findOneByOrFail({ id: user.id });
    return this.remember(row);
  }

  /** Moves on whenever a known person's name or picture changes, so copies can tell they are stale. */
  get changes(): number {
    return this.changeCount;
  }

  /** The first 1,000 users by username, from memory once read (avatars as they are now). */
  async list(): Promise<PublicUser[]> {
    const ids = await this.roster.get();
    return ids.map((id) => this.cache.get(id)!);
  }

  private async loadRoster(): Promise<readonly number[]> {
    const rows = await this.repo.find({ order: { usernameKey: 'ASC' }, take: 1000 });
    return rows.map((row) => this.remember(row).id);
  }

  private remember(row: UserRow): PublicUser {
    const user = toPublicUser(row);
    const known = this.cache.get(user.id);
    if (known && (known.username !== user.username || known.avatar !== user.avatar)) this.changeCount++;
    this.cache.set(user.id, user);
    return user;
  }
}

function checkPassword(password: string, username: string): void {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes < 8 || bytes > 72) throw invalid('Password must be 8–72 bytes long.');
  if (isCommonPassword(password) || nameKey(password) === nameKey(username)) {
    throw invalid('That password is too easy to guess; choose a less common one.');
  }
}
