import type { MessageRow } from './entities.js';

export type NewMessage = Omit<MessageRow, 'id'>;

/** The columns of `messages` besides `id`, in the order the raw statements use them. */
export const MESSAGE_COLUMNS =
  'room_id, to_user_id, dm_key, from_user_id, text, client_id, attachment_id, created_at';
export const MESSAGE_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?)';

/** A new message's values in `MESSAGE_COLUMNS` order. */
export function messageValues(row: NewMessage): unknown[] {
  return [
    row.roomId,
    row.toUserId,
    row.dmKey,
    row.fromUserId,
    row.text,
    row.clientId,
    row.attachmentId,
    row.createdAt,
  ];
}

/** A `messages` row as either driver returns it from raw SQL (MySQL may give BIGINTs as strings). */
export interface StoredMessageRow {
  id: number | string;
  room_id: number | string | null;
  to_user_id: number | string | null;
  dm_key: string | null;
  from_user_id: number | string;
  text: string;
  client_id: string;
  attachment_id: string | null;
  created_at: number | string;
}

export function messageFromRow(row: StoredMessageRow): MessageRow {
  return {
    id: Number(row.id),
    roomId: row.room_id === null ? null : Number(row.room_id),
    toUserId: row.to_user_id === null ? null : Number(row.to_user_id),
    dmKey: row.dm_key,
    fromUserId: Number(row.from_user_id),
    text: row.text,
    clientId: row.client_id,
    attachmentId: row.attachment_id,
    createdAt: Number(row.created_at),
  };
}
