import type { PublicUser } from '../shared/wire.js';
import { AppError } from './errors.js';
import type { RoomsService } from './rooms.service.js';
import type { UsersService } from './users.service.js';

/** What a client names: a room, or the other person of a private conversation. */
export type Target = { roomId: number } | { toUserId: number };

/** A conversation the user may take part in, resolved from a target. */
export interface Conversation {
  /** Stable key: `r:<roomId>` or `d:<low>:<high>` (the two user ids). */
  key: string;
  roomId: number | null;
  /** The other person of a private conversation. */
  peerId: number | null;
  dmKey: string | null;
}

export function dmKey(a: number, b: number): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

export function roomConversation(roomId: number): Conversation {
  return { key: `r:${roomId}`, roomId, peerId: null, dmKey: null };
}

export function dmConversation(userId: number, peerId: number): Conversation {
  const key = dmKey(userId, peerId);
  return { key: `d:${key}`, roomId: null, peerId, dmKey: key };
}

/**
 * Authorises by scoping: a target resolves only to a room the user may see or to a
 * private conversation they are part of; anything else is NOT_FOUND.
 */
export class Conversations {
  constructor(
    private readonly users: UsersService,
    private readonly rooms: RoomsService,
  ) {}

  async resolve(user: PublicUser, target: Target): Promise<Conversation> {
    if ('roomId' in target) {
      const room = await this.rooms.getVisible(user, target.roomId);
      return roomConversation(room.id);
    }
    if (target.toUserId === user.id) throw new AppError('DM_SELF', 400, 'You cannot message yourself.');
    const peer = await this.users.get(target.toUserId);
    if (!peer) throw new AppError('USER_NOT_FOUND', 404, 'User not found');
    return dmConversation(user.id, peer.id);
  }
}
