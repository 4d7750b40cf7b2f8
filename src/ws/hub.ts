import { EventEmitter } from 'node:events';
import type { Delivery, Presence } from '../chat/delivery.js';
import type { PublicUser, ServerFrame } from '../shared/wire.js';
import type { Connection } from './connection.js';
import { textFrame } from './text-frame.js';

interface RoomMember {
  user: PublicUser;
  sockets: number;
}

/**
 * Maps rooms and users to their open sockets and fans frames out. Each frame is
 * serialised and framed once, and the same bytes go to every recipient.
 */
export class Hub
  extends EventEmitter<{ roomCountChanged: [number]; userPresence: [number, boolean] }>
  implements Delivery, Presence
{
  private readonly connections = new Set<Connection>();
  private readonly byRoom = new Map<number, Set<Connection>>();
  private readonly byUser = new Map<number, Set<Connection>>();
  private readonly members = new Map<number, Map<number, RoomMember>>();
  // Users whose last socket closed moments ago: still online, so that moving between
  // pages (close, then reopen) does not flicker their presence.
  private readonly leaving = new Map<number, NodeJS.Timeout>();

  constructor(private readonly offlineGraceMs = 5000) {
    super();
  }

  add(conn: Connection): void {
    this.connections.add(conn);
    const userId = conn.user.id;
    const wasOnline = this.isOnline(userId);
    clearTimeout(this.leaving.get(userId));
    this.leaving.delete(userId);
    addTo(this.byUser, userId, conn);
    if (!wasOnline) this.emit('userPresence', userId, true);
  }

  remove(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    const userId = conn.user.id;
    removeFrom(this.byUser, userId, conn);
    for (const roomId of [...conn.rooms]) this.unsubscribe(conn, roomId);
    if (this.byUser.has(userId)) return;
    const timer = setTimeout(() => {
      this.leaving.delete(userId);
      this.emit('userPresence', userId, false);
    }, this.offlineGraceMs);
    timer.unref();
    this.leaving.set(userId, timer);
  }

  subscribe(conn: Connection, roomId: number): void {
    if (!conn.rooms.has(roomId)) {
      conn.rooms.add(roomId);
      addTo(this.byRoom, roomId, conn);
      if (this.join(roomId, conn.user)) {
        this.toRoom(roomId, this.presenceFrame(roomId), conn.id);
        this.emit('roomCountChanged', roomId);
      }
    }
    conn.send(this.presenceFrame(roomId));
  }

  unsubscribe(conn: Connection, roomId: number): void {
    if (!conn.rooms.delete(roomId)) return;
    removeFrom(this.byRoom, roomId, conn);
    if (this.leave(roomId, conn.user.id)) {
      this.toRoom(roomId, this.presenceFrame(roomId));
      this.emit('roomCountChanged', roomId);
    }
  }

  toRoom(roomId: number, frame: ServerFrame, exceptConnectionId?: string): void {
    this.fanOut(this.byRoom.get(roomId), frame, exceptConnectionId);
  }

  toUser(userId: number, frame: ServerFrame, exceptConnectionId?: string): void {
    this.fanOut(this.byUser.get(userId), frame, exceptConnectionId);
  }

  /** Writes one frame to each of the given connections. */
  toEach(conns: Iterable<Connection>, frame: ServerFrame): void {
    this.fanOut(conns, frame);
  }

  roomOnlineCount(roomId: number): number {
    return this.members.get(roomId)?.size ?? 0;
  }

  toUsersOutsideRoom(
    userIds: ReadonlySet<number>,
    roomId: number,
    frame: ServerFrame,
    exceptUserId?: number,
  ): void {
    // Per message: walk whichever is smaller, the room's members or the users online.
    const candidates = userIds.size <= this.byUser.size ? userIds.keys() : this.byUser.keys();
    let bytes: Buffer | undefined;
    for (const userId of candidates) {
      if (userId === exceptUserId || !userIds.has(userId)) continue;
      for (const conn of this.byUser.get(userId) ?? []) {
        if (conn.rooms.has(roomId)) continue;
        bytes ??= textFrame(frame);
        conn.sendFrame(bytes);
      }
    }
  }

  isOnline(userId: number): boolean {
    return this.byUser.has(userId) || this.leaving.has(userId);
  }

  isConnected(userId: number): boolean {
    return this.byUser.has(userId);
  }

  all(): Iterable<Connection> {
    return this.connections;
  }

  /** Closes every socket opened with the given session (used at logout). */
  closeSession(sessionId: string, code: number, reason: string): void {
    for (const conn of this.connections) if (conn.sessionId === sessionId) conn.close(code, reason);
  }

  closeAll(code: number, reason: string): void {
    for (const conn of this.connections) conn.close(code, reason);
  }

  terminateAll(): void {
    for (const conn of this.connections) conn.ws.terminate();
  }

  private fanOut(
    conns: Iterable<Connection> | undefined,
    frame: ServerFrame,
    exceptConnectionId?: string,
  ): void {
    if (!conns) return;
    const bytes = textFrame(frame);
    for (const conn of conns) {
      if (conn.id !== exceptConnectionId) conn.sendFrame(bytes);
    }
  }

  private presenceFrame(roomId: number): ServerFrame {
    const online = [...(this.members.get(roomId)?.values() ?? [])].map((m) => m.user);
    return { type: 'presence', roomId, online };
  }

  /** Returns true when the user was not in the room before. */
  private join(roomId: number, user: PublicUser): boolean {
    let room = this.members.get(roomId);
    if (!room) {
      room = new Map();
      this.members.set(roomId, room);
    }
    const member = room.get(user.id);
    if (member) member.sockets++;
    else room.set(user.id, { user, sockets: 1 });
    return !member;
  }

  /** Returns true when the user's last socket left the room. */
  private leave(roomId: number, userId: number): boolean {
    const room = this.members.get(roomId);
    const member = room?.get(userId);
    if (!room || !member) return false;
    if (--member.sockets > 0) return false;
    room.delete(userId);
    if (room.size === 0) this.members.delete(roomId);
    return true;
  }
}

function addTo<K>(map: Map<K, Set<Connection>>, key: K, conn: Connection): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(conn);
}

function removeFrom<K>(map: Map<K, Set<Connection>>, key: K, conn: Connection): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(conn);
  if (set.size === 0) map.delete(key);
}
