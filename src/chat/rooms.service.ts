import { EventEmitter } from 'node:events';
import type { DataSource, Repository } from 'typeorm';
import { isUniqueViolation } from '../db/dialect.js';
import { RoomEntity, type RoomRow } from '../db/entities.js';
import type { PublicUser } from '../shared/wire.js';
import { AppError, invalid, notFound } from './errors.js';
import { KeptLoad } from './kept-load.js';
import { cleanRoomName, nameKey } from './names.js';

export interface Room {
  id: number;
  name: string;
}

export const DEFAULT_ROOMS = ['General', 'Random', 'Introductions', 'Help'];

const roomNotFound = () => notFound('ROOM_NOT_FOUND', 'Room');

/** Rooms: every signed-in user may see, join and create them. */
export class RoomsService extends EventEmitter<{ created: [Room] }> {
  private readonly repo: Repository<RoomRow>;
  private readonly cache = new Map<number, Room>();
  /** The room list, read once and again only after a room is created. */
  private readonly listed = new KeptLoad(() => this.load());

  constructor(db: DataSource) {
    super();
    this.repo = db.getRepository(RoomEntity);
  }

  /** Creates the default rooms ("General" first) on the very first start. */
  async ensureDefaults(): Promise<void> {
    if ((await this.repo.count()) > 0) return;
    for (const name of DEFAULT_ROOMS) {
      await this.repo.insert({ name, nameKey: nameKey(name), createdBy: null, createdAt: Date.now() });
    }
  }

  async create(user: PublicUser, rawName: string): Promise<Room> {
    const name = cleanRoomName(rawName);
    if (!name) throw invalid('Room name must be 1–64 visible characters.');
    const row = { name, nameKey: nameKey(name), createdBy: user.id, createdAt: Date.now() };
    try {
      const result = await this.repo.insert(row);
      const room = { id: Number(result.identifiers[0]!.id), name };
      this.cache.set(room.id, room);
      this.listed.forget();
      this.emit('created', room);
      return room;
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('ROOM_EXISTS', 409, 'A room with that name exists.');
      throw err;
    }
  }

  /** The first 1,000 rooms, oldest first. */
  list(): Promise<readonly Room[]> {
    return this.listed.get();
  }

  private async load(): Promise<readonly Room[]> {
    const rows = await this.repo.find({ order: { id: 'ASC' }, take: 1000 });
    return rows.map(({ id, name }) => ({ id, name }));
  }

  /** The room a user may see, or ROOM_NOT_FOUND. All rooms are open to signed-in users. */
  async getVisible(_user: PublicUser, roomId: number): Promise<Room> {
    const cached = this.cache.get(roomId);
    if (cached) return cached;
    const row = await this.repo.findOneBy({ id: roomId });
    if (!row) throw roomNotFound();
    const room = { id: row.id, name: row.name };
    this.cache.set(room.id, room);
    return room;
  }
}
