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
}

/** What services may ask about who is connected. */
export interface Presence {
  roomOnlineCount(roomId: number): number;
  isOnline(userId: number): boolean;
}
