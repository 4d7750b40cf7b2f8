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
  attachment: null;
  clientId: string | null;
  /** ISO-8601 UTC. */
  createdAt: string;
}

export interface RoomSummary {
  id: number;
  name: string;
  online: number;
}

export interface HistoryPage {
  messages: WireMessage[];
  hasMore: boolean;
}

export type SendTarget = { roomId: number } | { toUserId: number };

export type ClientFrame =
  | { type: 'subscribe'; roomId: number }
  | { type: 'unsubscribe'; roomId: number }
  | ({ type: 'send'; clientId: string; text?: string; attachmentId?: string } & SendTarget)
  | { type: 'ping' }
  | { type: 'subscribeLobby' };

export type ServerFrame =
  | { type: 'ack'; clientId: string; message: WireMessage }
  | { type: 'message'; message: WireMessage }
  | { type: 'presence'; roomId: number; online: PublicUser[] }
  | { type: 'error'; code: string; message: string; clientId?: string }
  | { type: 'pong' }
  | { type: 'lobby'; rooms: RoomSummary[] };

export interface ApiError {
  error: { code: string; message: string };
}
