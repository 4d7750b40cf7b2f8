import type { ServerFrame } from '../shared/wire.js';

/**
 * Where services hand frames for delivery. The in-process hub implements it today;
 * a Redis bus can implement it later without touching any caller.
 */
export interface Delivery {
  /** Every socket subscribed to the room, except the one that caused the event. */
  toRoom(roomId: number, frame: ServerFrame, exceptConnectionId?: string): void;
  /** Every open socket of the user, wherever it is in the app. */
  toUser(userId: number, frame: ServerFrame, exceptConnectionId?: string): void;
  /** Every socket of these users (but the one who caused it) that is not subscribed to the room. */
  toUsersOutsideRoom(
    userIds: ReadonlySet<number>,
    roomId: number,
    frame: ServerFrame,
    exceptUserId?: number,
  ): void;
}

/** What services may ask about who is connected. */
export interface Presence {
  roomOnlineCount(roomId: number): number;
  /** Online: has an open socket, or closed their last one moments ago. */
  isOnline(userId: number): boolean;
  /** Has an open socket right now. */
  isConnected(userId: number): boolean;
}
