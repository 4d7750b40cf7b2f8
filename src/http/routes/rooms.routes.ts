import { Router } from 'express';
import { z } from 'zod';
import type { Presence } from '../../chat/delivery.js';
import type { MessagesService } from '../../chat/messages.service.js';
import type { RoomsService } from '../../chat/rooms.service.js';
import { roomSummaries } from '../../ws/lobby-feed.js';
import { currentUser, requireUser } from '../middleware/auth.js';
import { parse } from '../validate.js';
import { NO_ROOM, pageQuery, pathId } from './params.js';

const newRoom = z.object({ name: z.string().max(256) });

/** Rooms and their history. */
export function roomsRoutes(rooms: RoomsService, messages: MessagesService, presence: Presence): Router {
  const router = Router();
  router.use('/api/rooms', requireUser);

  router.get('/api/rooms', async (_req, res) => {
    res.json({ rooms: await roomSummaries(rooms, presence) });
  });

  router.post('/api/rooms', async (req, res) => {
    const room = await rooms.create(currentUser(res), parse(newRoom, req.body).name);
    res.status(201).json({ room: { ...room, online: 0 } });
  });

  router.get('/api/rooms/:roomId/messages', async (req, res) => {
    const roomId = pathId(req.params.roomId, NO_ROOM);
    res.json(await messages.history(currentUser(res), { roomId }, parse(pageQuery, req.query)));
  });

  return router;
}
