// The JSON shapes on the wire, shared by the server and the browser code (types only).

export interface PublicUser {
  id: number;
  username: string;
  /** URL of the avatar image. */
  avatar: string;
}

export interface WireMessage {
  id: number;
  roomId: number | null;
  toUserId: number | null;
  from: PublicUser;
  text: string;
  attachment: Attachment | null;
  clientId: string | null;
  /** ISO-8601 UTC. */
  createdAt: string;
}

export interface Attachment {
  id: string;
  /** Where to fetch it (needs a session that may see the message). */
  url: string;
  /** The uploader's file name, as data only. */
  name: string;
  size: number;
  /** Decided from the file's bytes, never from its name or the client's header. */
  mime: string;
  /** PNG, JPEG, GIF or WebP: shown inline. Anything else is a download. */
  image: boolean;
  width?: number;
  height?: number;
}

export interface RoomSummary {
  id: number;
  name: string;
  online: number;
}

export interface HistoryPage {
  messages: WireMessage[];
  hasMore: boolean;
  /** Private conversations only: how far the other person has received and read. */
  receipts?: Receipts;
}

export interface Receipts {
  deliveredUpTo: number;
  readUpTo: number;
}

export interface UnreadSummary {
  rooms: { roomId: number; unread: number; lastReadId: number }[];
  dms: { userId: number; unread: number; lastReadId: number }[];
}

export type SendTarget = { roomId: number } | { toUserId: number };

export type ClientFrame =
  | { type: 'subscribe'; roomId: number }
  | { type: 'unsubscribe'; roomId: number }
  | ({ type: 'send'; clientId: string; text?: string; attachmentId?: string } & SendTarget)
  | { type: 'ping' }
  | { type: 'subscribeLobby' }
  | ({ type: 'read'; messageId: number } & SendTarget)
  | ({ type: 'typing' } & SendTarget);

export type ServerFrame =
  | { type: 'ack'; clientId: string; message: WireMessage }
  | { type: 'message'; message: WireMessage }
  | { type: 'presence'; roomId: number; online: PublicUser[] }
  | { type: 'error'; code: string; message: string; clientId?: string }
  | { type: 'pong' }
  | { type: 'lobby'; rooms: RoomSummary[] }
  /** A room message for a member whose socket is not subscribed to that room. */
  | { type: 'notify'; message: WireMessage }
  /** You read up to lastReadId (sent to all your sockets, so other tabs clear their badges). */
  | { type: 'read'; roomId: number | null; userId: number | null; lastReadId: number }
  /** How far `userId` has received and read your private conversation with them. */
  | ({ type: 'receipt'; userId: number } & Receipts)
  | { type: 'typing'; roomId: number | null; user: PublicUser }
  | { type: 'people'; changes: { userId: number; online: boolean }[] };

export interface ApiError {
  error: { code: string; message: string };
}
