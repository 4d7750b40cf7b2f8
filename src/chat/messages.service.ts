import type { DataSource } from 'typeorm';
import { isMysql } from '../db/dialect.js';
import type { MessageRow } from '../db/entities.js';
import { MESSAGE_COLUMNS, messageFromRow, type StoredMessageRow } from '../db/message-rows.js';
import { replaceShortcodes } from '../shared/emoji.js';
import type { Attachment, HistoryPage, PublicUser, WireMessage } from '../shared/wire.js';
import { type AttachmentsService, toWireAttachment } from './attachments.service.js';
import type { Conversation, Conversations, Target } from './conversations.js';
import type { Delivery, Presence } from './delivery.js';
import { AppError, invalid } from './errors.js';
import { KeptByKey } from './kept-by-key.js';
import type { MessageWriter } from './message-writer.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ReadStateService } from './read-state.service.js';
import type { UsersService } from './users.service.js';

export interface SendInput {
  clientId: string;
  text?: string | undefined;
  attachmentId?: string | undefined;
}

export interface PageQuery {
  before?: number | undefined;
  after?: number | undefined;
  limit: number;
}

export const MAX_TEXT_LENGTH = 4000;
/** Messages in a page unless the client asks for another number; the newest such page is kept. */
export const PAGE_SIZE = 50;
/**
 * Conversations whose newest page is kept; past this the least recently read goes. Usually
 * about 2 MB in all (100 pages of 50 chat-length messages); at worst, with every message
 * 4,000 characters long, 20 million characters (20–40 MB). The messages' HTML, rendered
 * once per kept page (views.ts `partialOnce`), adds about 5 MB for 100 chat-length pages
 * and never more than `MAX_KEPT_HTML` (256 K characters) a page: at worst about 50 MB, as
 * text outside Latin-1 takes two bytes a character.
 */
export const MAX_KEPT_PAGES = 100;

interface KeptPage {
  page: HistoryPage;
  /** `UsersService.changes` when the page was read: its authors' names and pictures. */
  authors: number;
}

/** Messages: the one path by which a message is stored, delivered and read back. */
export class MessagesService {
  private readonly mysql: boolean;
  /**
   * The newest page of each recently read conversation (opening it reads that page): read
   * once, shared by every reader, forgotten when a message is stored there, read again
   * when someone's name or picture has changed.
   */
  private readonly newestPages: KeptByKey<string, KeptPage>;

  constructor(
    private readonly db: DataSource,
    private readonly writer: MessageWriter,
    private readonly users: UsersService,
    private readonly attachments: AttachmentsService,
    private readonly conversations: Conversations,
    private readonly readState: ReadStateService,
    private readonly delivery: Delivery,
    private readonly presence: Presence,
    private readonly limiter: RateLimiter,
    private readonly onError: (err: unknown) => void,
  ) {
    this.mysql = isMysql(db);
    this.newestPages = new KeptByKey(MAX_KEPT_PAGES, (kept) => kept.authors === users.changes);
  }

  /**
   * Stores a message (once per sender + clientId) and delivers it. Resolves with the
   * stored message only after it is durable; a resend resolves with the first copy.
   */
  async send(
    user: PublicUser,
    target: Target,
    input: SendInput,
    connectionId?: string,
  ): Promise<WireMessage> {
    if (!this.limiter.take(user.id)) {
      throw new AppError('RATE_LIMITED', 429, 'You are sending messages too fast; wait a moment.');
    }
    const attachment = input.attachmentId ? await this.attachments.ownedBy(user, input.attachmentId) : null;
    const text = cleanText(input.text, attachment !== null);
    const conversation = await this.conversations.resolve(user, target);
    const { row, created } = await this.writer.write({
      roomId: conversation.roomId,
      toUserId: conversation.peerId,
      dmKey: conversation.dmKey,
      fromUserId: user.id,
      text,
      clientId: input.clientId,
      attachmentId: attachment?.id ?? null,
      createdAt: Date.now(),
    });
    if (created) {
      // What was read of the conversation before this commit is out of date.
      this.newestPages.forget(conversation.key);
      this.readState.noteStored(conversation, row.id);
    }
    // Both people of a private conversation are part of it before the sender hears
    // "stored", so the message counts as unread for the other at once (free after the
    // first message). A room's sender joins during delivery, off the ack's path.
    if (conversation.peerId !== null) {
      await Promise.all([
        this.readState.join(user.id, conversation),
        this.readState.join(conversation.peerId, conversation),
      ]);
    }
    const stored = row.attachmentId === attachment?.id ? attachment : await this.attachmentOf(row);
    const message = toWire(row, user, stored ? toWireAttachment(stored) : null);
    if (created) {
      this.deliver(message, conversation, connectionId).catch(this.onError);
    }
    return message;
  }

  /** One keyset page of a conversation the user may read, oldest → newest. */
  async history(user: PublicUser, target: Target, page: PageQuery): Promise<HistoryPage> {
    const conversation = await this.conversations.resolve(user, target);
    const result = await this.page(conversation, page);
    const peerId = conversation.peerId;
    if (peerId === null) return result;
    // Loading a private conversation is receiving it: the sender sees "delivered".
    const newestFromPeer = Math.max(
      0,
      ...result.messages.filter((m) => m.from.id === peerId).map((m) => m.id),
    );
    const [own, peers] = await this.readState.receiptsOf([user.id, peerId], conversation);
    if (newestFromPeer > own!.deliveredUpTo) {
      await this.readState.delivered(user.id, conversation, newestFromPeer, peerId);
    }
    return { ...result, receipts: peers! };
  }

  /** One page of an already-authorised conversation. */
  async page(conversation: Conversation, page: PageQuery): Promise<HistoryPage> {
    const newest = page.before === undefined && page.after === undefined && page.limit === PAGE_SIZE;
    if (!newest) return this.readPage(conversation, page);
    const kept = await this.newestPages.get(conversation.key, async () => {
      const authors = this.users.changes;
      const read = await this.readPage(conversation, page);
      // Shared by every reader: the page and its list are frozen (not each message), so
      // that no reader can add, drop or reorder what the next one gets.
      Object.freeze(read.messages);
      return { page: Object.freeze(read), authors };
    });
    return kept.page;
  }

  private async readPage(conversation: Conversation, page: PageQuery): Promise<HistoryPage> {
    const byRoom = conversation.roomId !== null;
    // MariaDB otherwise reads every newer row of the conversation ("ref" on room_id with
    // the id bound as a filter; USE INDEX keeps that plan); FORCE INDEX makes it a range
    // scan at any depth.
    const hint = this.mysql ? ` FORCE INDEX (${byRoom ? 'ix_messages_room' : 'ix_messages_dm'})` : '';
    const where = [byRoom ? 'room_id = ?' : 'dm_key = ?'];
    const parameters: unknown[] = [byRoom ? conversation.roomId : conversation.dmKey];
    if (page.after !== undefined) {
      where.push('id > ?');
      parameters.push(page.after);
    }
    if (page.before !== undefined) {
      where.push('id < ?');
      parameters.push(page.before);
    }
    const ascending = page.after !== undefined && page.before === undefined;
    const stored: StoredMessageRow[] = await this.db.query(
      `SELECT id, ${MESSAGE_COLUMNS} FROM messages${hint} WHERE ${where.join(' AND ')} ORDER BY id ${ascending ? 'ASC' : 'DESC'} LIMIT ?`,
      [...parameters, page.limit + 1],
    );
    const rows = stored.map(messageFromRow);
    const hasMore = rows.length > page.limit;
    const kept = rows.slice(0, page.limit);
    if (!ascending) kept.reverse();
    const authors = await this.users.getMany(kept.map((row) => row.fromUserId));
    const files = await this.attachments.getMany(
      kept.flatMap((row) => (row.attachmentId ? [row.attachmentId] : [])),
    );
    const messages = kept.map((row) => {
      const file = row.attachmentId ? files.get(row.attachmentId) : undefined;
      return toWire(row, authors.get(row.fromUserId)!, file ? toWireAttachment(file) : null);
    });
    return { messages, hasMore };
  }

  private async attachmentOf(row: MessageRow) {
    return row.attachmentId
      ? ((await this.attachments.getMany([row.attachmentId])).get(row.attachmentId) ?? null)
      : null;
  }

  /** Live delivery after the commit: subscribers, members elsewhere in the app, both sides of a DM. */
  private async deliver(message: WireMessage, conversation: Conversation, exceptConnectionId?: string) {
    const senderId = message.from.id;
    if (conversation.roomId !== null) {
      this.delivery.toRoom(conversation.roomId, { type: 'message', message }, exceptConnectionId);
      const members = await this.readState.roomMembers(conversation.roomId);
      this.delivery.toUsersOutsideRoom(members, conversation.roomId, { type: 'notify', message }, senderId);
      await this.readState.join(senderId, conversation);
      return;
    }
    const peerId = conversation.peerId!;
    const frame = { type: 'message', message } as const;
    this.delivery.toUser(peerId, frame);
    this.delivery.toUser(senderId, frame, exceptConnectionId);
    if (this.presence.isConnected(peerId))
      await this.readState.delivered(peerId, conversation, message.id, senderId);
  }
}

/** Control characters other than newline and tab (NUL, escapes, C1 codes …). */
const CONTROL = /[^\P{Cc}\n\t]/gu;
/** Half of a surrogate pair without its other half: not text, and no database stores it as sent. */
const LONE_SURROGATE = /\p{Cs}/gu;
/** Anything the two above would change, CR included (most texts have none: one scan, no copies). */
const UNCLEAN = /[^\P{Cc}\n\t]|\p{Cs}/u;

function withoutControls(text: string): string {
  if (!UNCLEAN.test(text)) return text;
  return text.replace(/\r\n?/g, '\n').replace(CONTROL, '').replace(LONE_SURROGATE, '\uFFFD');
}

function cleanText(raw: string | undefined, hasAttachment: boolean): string {
  const text = replaceShortcodes(withoutControls(raw ?? '').trim());
  if (text.length === 0 && !hasAttachment) throw invalid('A message needs some text or a file.');
  // Characters, not UTF-16 units; counted only when the units alone could exceed the limit.
  if (text.length > MAX_TEXT_LENGTH && [...text].length > MAX_TEXT_LENGTH) {
    throw invalid(`A message can be at most ${MAX_TEXT_LENGTH} characters.`);
  }
  return text;
}

export function toWire(row: MessageRow, from: PublicUser, attachment: Attachment | null): WireMessage {
  return {
    id: row.id,
    roomId: row.roomId,
    toUserId: row.toUserId,
    from,
    text: row.text,
    attachment,
    clientId: row.clientId,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
