import type { DataSource, Repository } from 'typeorm';
import { MessageEntity, type MessageRow } from '../db/entities.js';
import type { HistoryPage, PublicUser, WireMessage } from '../shared/wire.js';
import type { Delivery } from './delivery.js';
import { AppError, invalid } from './errors.js';
import type { MessageWriter } from './message-writer.js';
import type { RoomsService } from './rooms.service.js';
import type { UsersService } from './users.service.js';

export type Target = { roomId: number } | { toUserId: number };

export interface SendInput {
  clientId: string;
  text?: string | undefined;
}

export interface PageQuery {
  before?: number | undefined;
  after?: number | undefined;
  limit: number;
}

export const MAX_TEXT_LENGTH = 4000;

interface Scope {
  roomId: number | null;
  toUserId: number | null;
  dmKey: string | null;
}

/** Messages: the one path by which a message is stored, delivered and read back. */
export class MessagesService {
  private readonly repo: Repository<MessageRow>;

  constructor(
    db: DataSource,
    private readonly writer: MessageWriter,
    private readonly users: UsersService,
    private readonly rooms: RoomsService,
    private readonly delivery: Delivery,
  ) {
    this.repo = db.getRepository(MessageEntity);
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
    const text = cleanText(input.text);
    const scope = await this.scopeFor(user, target);
    const { row, created } = await this.writer.write({
      ...scope,
      fromUserId: user.id,
      text,
      clientId: input.clientId,
      createdAt: Date.now(),
    });
    const message = toWire(row, row.fromUserId === user.id ? user : await this.author(row.fromUserId));
    if (created) this.deliver(message, connectionId);
    return message;
  }

  /** One keyset page of a conversation the user may read, oldest → newest. */
  async history(user: PublicUser, target: Target, page: PageQuery): Promise<HistoryPage> {
    const scope = await this.scopeFor(user, target);
    const query = this.repo.createQueryBuilder('m');
    if (scope.roomId !== null) query.where('m.room_id = :roomId', { roomId: scope.roomId });
    else query.where('m.dm_key = :dmKey', { dmKey: scope.dmKey });
    const ascending = page.after !== undefined && page.before === undefined;
    if (page.after !== undefined) query.andWhere('m.id > :after', { after: page.after });
    if (page.before !== undefined) query.andWhere('m.id < :before', { before: page.before });
    const rows = await query
      .orderBy('m.id', ascending ? 'ASC' : 'DESC')
      .limit(page.limit + 1)
      .getMany();
    const hasMore = rows.length > page.limit;
    const kept = rows.slice(0, page.limit);
    if (!ascending) kept.reverse();
    const authors = await this.users.getMany(kept.map((row) => row.fromUserId));
    return { messages: kept.map((row) => toWire(row, authors.get(row.fromUserId)!)), hasMore };
  }

  private deliver(message: WireMessage, exceptConnectionId?: string): void {
    const frame = { type: 'message', message } as const;
    if (message.roomId !== null) {
      this.delivery.toRoom(message.roomId, frame, exceptConnectionId);
    } else {
      this.delivery.toUser(message.toUserId!, frame);
      if (message.toUserId !== message.from.id)
        this.delivery.toUser(message.from.id, frame, exceptConnectionId);
    }
  }

  /** Authorises by scoping: a room the user may see, or a DM they take part in. */
  private async scopeFor(user: PublicUser, target: Target): Promise<Scope> {
    if ('roomId' in target) {
      const room = await this.rooms.getVisible(user, target.roomId);
      return { roomId: room.id, toUserId: null, dmKey: null };
    }
    if (target.toUserId === user.id) throw new AppError('DM_SELF', 400, 'You cannot message yourself.');
    const peer = await this.users.get(target.toUserId);
    if (!peer) throw new AppError('USER_NOT_FOUND', 404, 'User not found');
    return { roomId: null, toUserId: peer.id, dmKey: dmKey(user.id, peer.id) };
  }

  private async author(id: number): Promise<PublicUser> {
    return (await this.users.get(id))!;
  }
}

export function dmKey(a: number, b: number): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

function cleanText(raw: string | undefined): string {
  const text = (raw ?? '').trim();
  const length = [...text].length;
  if (length === 0) throw invalid('A message needs some text.');
  if (length > MAX_TEXT_LENGTH) throw invalid(`A message can be at most ${MAX_TEXT_LENGTH} characters.`);
  return text;
}

export function toWire(row: MessageRow, from: PublicUser): WireMessage {
  return {
    id: row.id,
    roomId: row.roomId,
    toUserId: row.toUserId,
    from,
    text: row.text,
    attachment: null,
    clientId: row.clientId,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
