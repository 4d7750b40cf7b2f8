import type { Presence } from '../chat/delivery.js';
import type { RoomsService } from '../chat/rooms.service.js';
import type { Logger } from '../log.js';
import type { RoomSummary } from '../shared/wire.js';
import type { Connection } from './connection.js';
import type { Hub } from './hub.js';

/** Rooms with their online counts: the lobby's view. */
export async function roomSummaries(rooms: RoomsService, presence: Presence): Promise<RoomSummary[]> {
  const list = await rooms.list();
  return list.map((room) => ({ ...room, online: presence.roomOnlineCount(room.id) }));
}

/**
 * Pushes the room list with online counts, and people coming online or going offline,
 * to sockets that watch the lobby: at most once per interval however much happens.
 */
export class LobbyFeed {
  private readonly watchers = new Set<Connection>();
  private timer: NodeJS.Timeout | null = null;
  private roomsChanged = false;
  private readonly people = new Map<number, boolean>();

  constructor(
    private readonly hub: Hub,
    private readonly rooms: RoomsService,
    private readonly log: Logger,
    private readonly intervalMs = 1000,
  ) {
    hub.on('roomCountChanged', () => this.changed(true));
    rooms.on('created', () => this.changed(true));
    hub.on('userPresence', (userId, online) => {
      this.people.set(userId, online);
      this.changed(false);
    });
  }

  async watch(conn: Connection): Promise<void> {
    this.watchers.add(conn);
    conn.send({ type: 'lobby', rooms: await roomSummaries(this.rooms, this.hub) });
  }

  forget(conn: Connection): void {
    this.watchers.delete(conn);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private changed(rooms: boolean): void {
    this.roomsChanged ||= rooms;
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = null;
    if (this.people.size > 0) {
      const changes = [...this.people].map(([userId, online]) => ({ userId, online }));
      this.people.clear();
      this.hub.toEach(this.watchers, { type: 'people', changes });
    }
    if (!this.roomsChanged) return;
    this.roomsChanged = false;
    roomSummaries(this.rooms, this.hub).then(
      (rooms) => this.hub.toEach(this.watchers, { type: 'lobby', rooms }),
      (err: unknown) => this.log.warn({ err }, 'lobby update skipped'),
    );
  }
}
