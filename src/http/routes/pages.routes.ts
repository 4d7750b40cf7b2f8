import { Router } from 'express';
import { presetAvatars } from '../../chat/avatars.js';
import type { Presence } from '../../chat/delivery.js';
import { type MessagesService, PAGE_SIZE } from '../../chat/messages.service.js';
import type { ReadStateService } from '../../chat/read-state.service.js';
import type { RoomsService } from '../../chat/rooms.service.js';
import type { UsersService } from '../../chat/users.service.js';
import type { PublicUser } from '../../shared/wire.js';
import { roomSummaries } from '../../ws/lobby-feed.js';
import { currentUser, requireUser } from '../middleware/auth.js';
import { NO_ROOM, NO_USER, pathId } from './params.js';

export interface PageDeps {
  users: UsersService;
  rooms: RoomsService;
  messages: MessagesService;
  readState: ReadStateService;
  presence: Presence;
  maxUploadBytes: number;
}

/** Server-rendered pages. Every page that needs a login redirects to /login without one. */
export function pagesRoutes(deps: PageDeps): Router {
  const router = Router();

  router.get(['/login', '/register'], (req, res) => {
    if (res.locals.user) return res.redirect(302, '/');
    const page = req.path.slice(1);
    res.render(page, { title: page === 'login' ? 'Log in' : 'Sign up', avatars: presetAvatars });
  });

  router.get('/', requireUser, async (_req, res) => {
    res.render('lobby', { title: 'Lobby', ...(await shell(deps, currentUser(res))), active: null });
  });

  router.get('/rooms/:roomId', requireUser, async (req, res) => {
    const me = currentUser(res);
    const room = await deps.rooms.getVisible(me, pathId(req.params.roomId, NO_ROOM));
    const [history, around] = await Promise.all([
      deps.messages.history(me, { roomId: room.id }, { limit: PAGE_SIZE }),
      shell(deps, me),
    ]);
    const read = around.unread.rooms.find((entry) => entry.roomId === room.id);
    res.render('room', {
      title: room.name,
      ...around,
      active: { kind: 'room', id: room.id },
      room,
      history,
      // -1: not a member yet (nothing of the room counts as unread for them).
      lastReadId: read ? read.lastReadId : -1,
      maxUploadBytes: deps.maxUploadBytes,
    });
  });

  router.get('/dm/:userId', requireUser, async (req, res) => {
    const me = currentUser(res);
    const peerId = pathId(req.params.userId, NO_USER);
    const [history, around] = await Promise.all([
      deps.messages.history(me, { toUserId: peerId }, { limit: PAGE_SIZE }),
      shell(deps, me),
    ]);
    const peer = (await deps.users.get(peerId))!;
    res.render('dm', {
      title: peer.username,
      ...around,
      active: { kind: 'dm', id: peer.id },
      peer: { ...peer, online: deps.presence.isOnline(peer.id) },
      history,
      lastReadId: around.unread.dms.find((entry) => entry.userId === peer.id)?.lastReadId ?? 0,
      maxUploadBytes: deps.maxUploadBytes,
    });
  });

  return router;
}

/**
 * What every signed-in page shows around the conversation: rooms and people, and what is
 * unread (which also says how far the user has read each conversation).
 */
async function shell(deps: PageDeps, me: PublicUser) {
  const [rooms, users, unread] = await Promise.all([
    roomSummaries(deps.rooms, deps.presence),
    deps.users.list(),
    deps.readState.unread(me.id),
  ]);
  const people = users
    .filter((user) => user.id !== me.id)
    .map(({ id, username, avatar }) => ({ id, username, avatar, online: deps.presence.isOnline(id) }));
  return { me, rooms, people, unread, avatars: presetAvatars };
}
