import { type Conversations, roomConversation, type Target } from '../chat/conversations.js';
import { AppError, asAppError } from '../chat/errors.js';
import type { MessagesService } from '../chat/messages.service.js';
import type { ReadStateService } from '../chat/read-state.service.js';
import type { RoomsService } from '../chat/rooms.service.js';
import type { TypingService } from '../chat/typing.service.js';
import type { Logger } from '../log.js';
import type { Connection } from './connection.js';
import type { Hub } from './hub.js';
import type { LobbyFeed } from './lobby-feed.js';
import { type ParsedFrame, parseClientFrame } from './protocol.js';

export interface HandlerDeps {
  hub: Hub;
  lobby: LobbyFeed;
  rooms: RoomsService;
  messages: MessagesService;
  conversations: Conversations;
  readState: ReadStateService;
  typing: TypingService;
  log: Logger;
}

/** Answers each text frame of a connection. Bad input gets an `error` frame; the socket stays open. */
export function createFrameHandler(deps: HandlerDeps) {
  return async function onFrame(conn: Connection, data: string): Promise<void> {
    const parsed = parseClientFrame(data);
    if (!parsed.ok) {
      deps.log.warn({ conn: conn.id }, 'bad frame');
      conn.send({ type: 'error', code: 'BAD_FRAME', message: parsed.message, ...pick(parsed.clientId) });
      return;
    }
    try {
      await handle(deps, conn, parsed.frame);
    } catch (err) {
      const appError = asAppError(err);
      const clientId = parsed.frame.type === 'send' ? parsed.frame.clientId : undefined;
      if (!appError) deps.log.error({ err, conn: conn.id }, 'frame handler failed');
      const { code, message } = appError ?? new AppError('INTERNAL', 500, 'Something went wrong.');
      conn.send({ type: 'error', code, message, ...pick(clientId) });
    }
  };
}

async function handle(deps: HandlerDeps, conn: Connection, frame: ParsedFrame): Promise<void> {
  switch (frame.type) {
    case 'subscribe': {
      const room = await deps.rooms.getVisible(conn.user, frame.roomId);
      deps.hub.subscribe(conn, room.id);
      await deps.readState.join(conn.user.id, roomConversation(room.id));
      return;
    }
    case 'unsubscribe':
      deps.hub.unsubscribe(conn, frame.roomId);
      return;
    case 'send': {
      const message = await deps.messages.send(conn.user, targetOf(frame), frame, conn.id);
      conn.send({ type: 'ack', clientId: frame.clientId, message });
      return;
    }
    case 'ping':
      conn.send({ type: 'pong' });
      return;
    case 'subscribeLobby':
      await deps.lobby.watch(conn);
      return;
    case 'read': {
      const conversation = await deps.conversations.resolve(conn.user, targetOf(frame));
      await deps.readState.read(conn.user, conversation, frame.messageId);
      return;
    }
    case 'typing':
      await deps.typing.typing(conn.user, targetOf(frame), conn.id);
      return;
  }
}

function targetOf(frame: { roomId?: number | undefined; toUserId?: number | undefined }): Target {
  if (frame.roomId !== undefined && frame.toUserId === undefined) return { roomId: frame.roomId };
  if (frame.toUserId !== undefined && frame.roomId === undefined) return { toUserId: frame.toUserId };
  throw new AppError('BAD_FRAME', 400, 'Name exactly one of roomId or toUserId.');
}

function pick(clientId: string | undefined): { clientId?: string } {
  return clientId === undefined ? {} : { clientId };
}
