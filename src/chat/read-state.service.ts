import type { DataSource } from 'typeorm';
import type { PublicUser } from '../shared/wire.js';
import type { Conversation } from './conversations.js';
import type { Delivery } from './delivery.js';
import { notFound } from './errors.js';
import { KeptByKey } from './kept-by-key.js';
import { type Mark, storeMarks } from './read-marks.js';
import { WriteBatcher } from './write-batcher.js';

export interface UnreadEntry {
  unread: number;
  lastReadId: number;
}

export interface UnreadSummary {
  rooms: (UnreadEntry & { roomId: number })[];
  dms: (UnreadEntry & { userId: number })[];
}

export interface Receipts {
  deliveredUpTo: number;
  readUpTo: number;
}

const MAX_MARKS_PER_BATCH = 500;
/** Newest ids and joins remembered (some 100 bytes each). */
const MAX_REMEMBERED = 100_000;

/** Counts stop here; clients show "99+". */
export const UNREAD_CAP = 100;
/** Conversations counted by one statement (SQLite allows 500 parts in a compound SELECT). */
const COUNTS_PER_STATEMENT = 100;
/** Rooms whose member sets are kept (some 20 bytes per member). */
const MAX_KEPT_ROOMS = 10_000;
/** Users whose unread counts are kept (a few KB each); past this the least recently asked go. */
const MAX_KEPT_UNREAD = 10_000;

/** A user's read mark as `read_state` holds it. */
interface MarkRow {
  conversation: string;
  room_id: number | null;
  dm_key: string | null;
  last_read_id: number;
}

interface KeptUnread {
  summary: UnreadSummary;
  /** The user's marks counted from; a change to any of them forgets the whole entry. */
  marks: MarkRow[];
  /** Per mark, its conversation's unread count. */
  counts: number[];
  /** Per mark, its conversation's newest message id as known before counting. */
  newest: (number | undefined)[];
  /** `newestEpoch` then. */
  epoch: number;
}

/** How much `ReadStateService` keeps in memory (smaller in tests). */
export interface ReadStateLimits {
  /** Newest ids, and joins, remembered. */
  remembered: number;
  /** Rooms whose member sets are kept. */
  rooms: number;
}

/**
 * How far each user has read each conversation (and, for private ones, how far
 * messages have reached them). Room membership is a read-state row: a user joins a
 * room by opening or writing to it.
 */
export class ReadStateService {
  /** Read and delivery marks moved in one turn are written with one multi-row upsert. */
  private readonly marks: WriteBatcher<Mark, void>;
  /** Each room's members, kept (joins add to the kept set); past the limit the least recently used go. */
  private readonly members: KeptByKey<number, Set<number>>;
  /**
   * `userId|conversation` pairs known to have a row, so joining is free after the first
   * time; past the limit the oldest is forgotten (its next join writes again).
   */
  private readonly joined = new Set<string>();
  /**
   * Newest message id seen per conversation key: a read mark past it is checked against
   * the database. Past the limit this memory starts afresh (see `newestEpoch`).
   */
  private readonly newest = new Map<string, number>();
  /** Moves on when `newest` starts afresh. */
  private newestEpoch = 0;
  private readonly remembered: number;
  /**
   * Each user's unread counts, kept until one of their marks moves (`advance`) or a message
   * is stored in one of their conversations (its newest id is no longer the one counted to).
   */
  private readonly unreadKept = new KeptByKey<number, KeptUnread>(
    MAX_KEPT_UNREAD,
    (kept) =>
      kept.epoch === this.newestEpoch &&
      kept.marks.every((mark, i) => this.newest.get(mark.conversation) === kept.newest[i]),
  );

  constructor(
    private readonly db: DataSource,
    private readonly delivery: Delivery,
    limits: Partial<ReadStateLimits> = {},
  ) {
    this.marks = new WriteBatcher(storeMarks(db), MAX_MARKS_PER_BATCH);
    this.remembered = limits.remembered ?? MAX_REMEMBERED;
    this.members = new KeptByKey(limits.rooms ?? MAX_KEPT_ROOMS, () => true);
  }

  /** Users who joined the room (cached; joins keep the cache current). */
  roomMembers(roomId: number): Promise<Set<number>> {
    return this.members.get(roomId, () =>
      this.db
        .query('SELECT user_id FROM read_state WHERE room_id = ?', [roomId])
        .then((rows: { user_id: number }[]) => new Set(rows.map((r) => Number(r.user_id)))),
    );
  }

  /** Makes the user part of the conversation (a room member); free when they already are. */
  async join(userId: number, conversation: Conversation): Promise<void> {
    if (this.joined.has(joinKey(userId, conversation))) return;
    await this.advance(userId, conversation, 0, 0);
    await this.joinedNow(userId, conversation);
  }

  /** Notes that the user has a row for the conversation (after a mark was written). */
  private async joinedNow(userId: number, conversation: Conversation): Promise<void> {
    const key = joinKey(userId, conversation);
    if (this.joined.has(key)) return;
    if (this.joined.size >= this.remembered) this.joined.delete(this.joined.values().next().value!);
    this.joined.add(key);
    if (conversation.roomId !== null) (await this.roomMembers(conversation.roomId)).add(userId);
  }

  /**
   * Moves the user's read mark forward (never back; reading implies delivery), tells
   * their other tabs, and tells the other person of a private conversation.
   */
  async read(user: PublicUser, conversation: Conversation, messageId: number): Promise<void> {
    // A mark past the newest message would hide later ones from the unread counts and
    // tell the other person "read" before they were; marks never move back.
    if (
      messageId > (this.newest.get(conversation.key) ?? 0) &&
      messageId > (await this.newestStored(conversation))
    )
      throw notFound('MESSAGE_NOT_FOUND', 'Message');
    // Writing the mark creates the row, so reading also joins.
    await this.advance(user.id, conversation, messageId, messageId);
    await this.joinedNow(user.id, conversation);
    const peerId = conversation.peerId;
    this.delivery.toUser(user.id, {
      type: 'read',
      roomId: conversation.roomId,
      userId: peerId,
      lastReadId: messageId,
    });
    if (peerId !== null) {
      this.delivery.toUser(peerId, {
        type: 'receipt',
        userId: user.id,
        ...(await this.receipts(user.id, conversation)),
      });
    }
  }

  /** Records that a private message reached the user, and tells its sender. */
  async delivered(
    userId: number,
    conversation: Conversation,
    messageId: number,
    senderId: number,
  ): Promise<void> {
    await this.advance(userId, conversation, 0, messageId);
    this.delivery.toUser(senderId, {
      type: 'receipt',
      userId,
      ...(await this.receipts(userId, conversation)),
    });
  }

  /** How far the given user has received and read the conversation. */
  async receipts(userId: number, conversation: Conversation): Promise<Receipts> {
    return (await this.receiptsOf([userId], conversation))[0]!;
  }

  /** How far each of the given users has received and read the conversation, in one statement. */
  async receiptsOf(userIds: number[], conversation: Conversation): Promise<Receipts[]> {
    const rows: { user_id: number; last_read_id: number; last_delivered_id: number }[] = await this.db.query(
      `SELECT user_id, last_read_id, last_delivered_id FROM read_state
       WHERE user_id IN (${userIds.map(() => '?').join(', ')}) AND conversation = ?`,
      [...userIds, conversation.key],
    );
    return userIds.map((userId) => {
      const row = rows.find((r) => Number(r.user_id) === userId);
      return { deliveredUpTo: Number(row?.last_delivered_id ?? 0), readUpTo: Number(row?.last_read_id ?? 0) };
    });
  }

  /**
   * Unread counts (capped) of every conversation the user is part of: from memory while
   * nothing has changed for the user; after new messages, only their conversations are
   * counted again; after a mark moved, all of them, with one statement for the marks and
   * one per 100 rooms and per 100 private conversations.
   */
  async unread(userId: number): Promise<UnreadSummary> {
    return (await this.unreadKept.get(userId, (stale) => this.countUnread(userId, stale))).summary;
  }

  private async countUnread(userId: number, stale?: KeptUnread): Promise<KeptUnread> {
    // Stale counts whose marks still hold (any mark moving forgets them) need only the
    // conversations with new messages counted again.
    const reuse = stale?.epoch === this.newestEpoch ? stale : undefined;
    const marks: MarkRow[] =
      reuse?.marks ??
      (await this.db.query(
        'SELECT conversation, room_id, dm_key, last_read_id FROM read_state WHERE user_id = ?',
        [userId],
      ));
    // Taken before counting: a message stored from here on makes these counts stale.
    const epoch = this.newestEpoch;
    const newest = marks.map((mark) => this.newest.get(mark.conversation));
    const counts = reuse ? [...reuse.counts] : marks.map(() => 0);
    const changed = marks.flatMap((_, i) => (reuse && reuse.newest[i] === newest[i] ? [] : [i]));
    const rooms = changed.filter((i) => marks[i]!.room_id !== null);
    const dms = changed.filter((i) => marks[i]!.room_id === null);
    const marksAt = (indices: number[]) => indices.map((i) => marks[i]!);
    const [roomCounts, dmCounts] = await Promise.all([
      this.countAfter('room_id', marksAt(rooms), userId),
      this.countAfter('dm_key', marksAt(dms), userId),
    ]);
    for (const [n, i] of rooms.entries()) counts[i] = roomCounts[n]!;
    for (const [n, i] of dms.entries()) counts[i] = dmCounts[n]!;
    return { summary: summaryOf(marks, counts, userId), marks, counts, newest, epoch };
  }

  /**
   * Messages from others after each mark, counted up to UNREAD_CAP: one statement for up
   * to COUNTS_PER_STATEMENT conversations, each counted by its own index range.
   */
  private async countAfter(
    column: 'room_id' | 'dm_key',
    marks: MarkRow[],
    userId: number,
  ): Promise<number[]> {
    const counts = marks.map(() => 0);
    for (let from = 0; from < marks.length; from += COUNTS_PER_STATEMENT) {
      const chunk = marks.slice(from, from + COUNTS_PER_STATEMENT);
      const sql = chunk
        .map(
          (_, i) =>
            `SELECT ${i} AS i, COUNT(*) AS n FROM (SELECT id FROM messages WHERE ${column} = ? AND id > ? AND from_user_id <> ? ORDER BY id LIMIT ${UNREAD_CAP}) t${i}`,
        )
        .join(' UNION ALL ');
      const found: { i: number; n: number }[] = await this.db.query(
        sql,
        chunk.flatMap((mark) => [mark.room_id ?? mark.dm_key, Number(mark.last_read_id), userId]),
      );
      for (const row of found) counts[from + Number(row.i)] = Number(row.n);
    }
    return counts;
  }

  /** Notes a message just stored, so read marks up to it need no query. */
  noteStored(c: Conversation, messageId: number): void {
    if (messageId <= (this.newest.get(c.key) ?? 0)) return;
    if (this.newest.size >= this.remembered) {
      this.newest.clear();
      this.newestEpoch++;
    }
    this.newest.set(c.key, messageId);
  }

  private async newestStored(c: Conversation): Promise<number> {
    const [column, value] = c.roomId !== null ? ['room_id', c.roomId] : ['dm_key', c.dmKey];
    const rows: { id: number | null }[] = await this.db.query(
      `SELECT MAX(id) AS id FROM messages WHERE ${column} = ?`,
      [value],
    );
    const id = Number(rows[0]?.id ?? 0);
    this.noteStored(c, id);
    return id;
  }

  /** Moves the user's marks (and makes them part of the conversation) once stored. */
  private async advance(userId: number, c: Conversation, readId: number, deliveredId: number): Promise<void> {
    // A delivery mark on a known row changes no unread count.
    const countsChange = readId > 0 || !this.joined.has(joinKey(userId, c));
    await this.marks.write({ userId, conversation: c, readId, deliveredId });
    if (countsChange) this.unreadKept.forget(userId);
  }

  /** Resolves once every mark moved so far is stored. */
  idle(): Promise<void> {
    return this.marks.idle();
  }
}

/** The counts as pages show them; shared by every page that asks until something changes, so frozen. */
function summaryOf(marks: MarkRow[], counts: number[], userId: number): UnreadSummary {
  const rooms: UnreadSummary['rooms'] = [];
  const dms: UnreadSummary['dms'] = [];
  for (const [i, mark] of marks.entries()) {
    const entry = { unread: counts[i]!, lastReadId: Number(mark.last_read_id) };
    if (mark.room_id !== null) rooms.push({ roomId: Number(mark.room_id), ...entry });
    else dms.push({ userId: peerOf(mark.dm_key!, userId), ...entry });
  }
  return Object.freeze({ rooms: Object.freeze(rooms), dms: Object.freeze(dms) }) as UnreadSummary;
}

function peerOf(key: string, userId: number): number {
  const [a, b] = key.split(':').map(Number);
  return a === userId ? b! : a!;
}

const joinKey = (userId: number, c: Conversation) => `${userId}|${c.key}`;
