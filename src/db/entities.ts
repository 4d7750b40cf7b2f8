import { EntitySchema, type ValueTransformer } from 'typeorm';

// Entities describe rows only; behaviour lives in src/chat services. The schema itself
// is built by the migrations (never by `synchronize`), so column types here only guide
// how values are read and written.

/** BIGINT columns come back from MySQL as strings; our values (epoch ms) fit a number. */
const bigintAsNumber: ValueTransformer = {
  from: (value: unknown) => (value === null || value === undefined ? value : Number(value)),
  to: (value: unknown) => value,
};

export interface UserRow {
  id: number;
  username: string;
  usernameKey: string;
  passwordHash: string;
  avatar: string;
  createdAt: number;
}

export interface RoomRow {
  id: number;
  name: string;
  nameKey: string;
  createdBy: number | null;
  createdAt: number;
}

export interface MessageRow {
  id: number;
  roomId: number | null;
  toUserId: number | null;
  dmKey: string | null;
  fromUserId: number;
  text: string;
  clientId: string;
  attachmentId: string | null;
  createdAt: number;
}

export interface AttachmentRow {
  id: string;
  ownerId: number;
  name: string;
  size: number;
  mime: string;
  isImage: boolean;
  width: number | null;
  height: number | null;
  sha256: string;
  storageName: string;
  isPublic: boolean;
  createdAt: number;
}

export interface SessionRow {
  id: string;
  userId: number | null;
  expiresAt: number;
  data: string;
}

export const UserEntity = new EntitySchema<UserRow>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    username: { type: String, length: 32 },
    usernameKey: { name: 'username_key', type: String, length: 32 },
    passwordHash: { name: 'password_hash', type: String, length: 60 },
    avatar: { type: String, length: 255 },
    createdAt: { name: 'created_at', type: 'bigint', transformer: bigintAsNumber },
  },
});

export const RoomEntity = new EntitySchema<RoomRow>({
  name: 'Room',
  tableName: 'rooms',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    name: { type: String, length: 64 },
    nameKey: { name: 'name_key', type: String, length: 64 },
    createdBy: { name: 'created_by', type: Number, nullable: true },
    createdAt: { name: 'created_at', type: 'bigint', transformer: bigintAsNumber },
  },
});

export const MessageEntity = new EntitySchema<MessageRow>({
  name: 'Message',
  tableName: 'messages',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    roomId: { name: 'room_id', type: Number, nullable: true },
    toUserId: { name: 'to_user_id', type: Number, nullable: true },
    dmKey: { name: 'dm_key', type: String, length: 24, nullable: true },
    fromUserId: { name: 'from_user_id', type: Number },
    text: { type: 'text' },
    clientId: { name: 'client_id', type: String, length: 64 },
    attachmentId: { name: 'attachment_id', type: String, length: 32, nullable: true },
    createdAt: { name: 'created_at', type: 'bigint', transformer: bigintAsNumber },
  },
});

/** TINYINT/INTEGER 0/1 columns read as booleans. */
const intAsBoolean: ValueTransformer = {
  from: (value: unknown) => Boolean(Number(value)),
  to: (value: unknown) => (value ? 1 : 0),
};

export const AttachmentEntity = new EntitySchema<AttachmentRow>({
  name: 'Attachment',
  tableName: 'attachments',
  columns: {
    id: { type: String, primary: true, length: 32 },
    ownerId: { name: 'owner_id', type: Number },
    name: { type: String, length: 255 },
    size: { type: Number },
    mime: { type: String, length: 100 },
    isImage: { name: 'is_image', type: Number, transformer: intAsBoolean },
    width: { type: Number, nullable: true },
    height: { type: Number, nullable: true },
    sha256: { type: String, length: 64 },
    storageName: { name: 'storage_name', type: String, length: 64 },
    isPublic: { name: 'is_public', type: Number, transformer: intAsBoolean },
    createdAt: { name: 'created_at', type: 'bigint', transformer: bigintAsNumber },
  },
});

export const SessionEntity = new EntitySchema<SessionRow>({
  name: 'Session',
  tableName: 'sessions',
  columns: {
    id: { type: String, primary: true, length: 128 },
    userId: { name: 'user_id', type: Number, nullable: true },
    expiresAt: { name: 'expires_at', type: 'bigint', transformer: bigintAsNumber },
    data: { type: 'text' },
  },
});

export const entities = [UserEntity, RoomEntity, MessageEntity, AttachmentEntity, SessionEntity];
