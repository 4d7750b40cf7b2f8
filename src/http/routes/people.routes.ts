import { Router } from 'express';
import type { Presence } from '../../chat/delivery.js';
import type { MessagesService } from '../../chat/messages.service.js';
import type { ReadStateService } from '../../chat/read-state.service.js';
import type { UsersService } from '../../chat/users.service.js';
import { currentUser, requireUser } from '../middleware/auth.js';
import { parse } from '../validate.js';
import { NO_USER, pageQuery, pathId } from './params.js';

/** People, their presence, private conversations with them, and what is unread. */
export function peopleRoutes(
  users: UsersService,
  messages: MessagesService,
  readState: ReadStateService,
  presence: Presence,
): Router {
  const router = Router();
  router.use(['/api/users', '/api/dm', '/api/unread'], requireUser);

  router.get('/api/unread', async (_req, res) => {
    res.json(await readState.unread(currentUser(res).id));
  });

  router.get('/api/users', async (_req, res) => {
    const list = await users.list();
    res.json({ users: list.map((user) => ({ ...user, online: presence.isOnline(user.id) })) });
  });

  router.get('/api/dm/:userId/messages', async (req, res) => {
    const toUserId = pathId(req.params.userId, NO_USER);
    res.json(await messages.history(currentUser(res), { toUserId }, parse(pageQuery, req.query)));
  });

  return router;
}
