import { Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { AppError } from '../../chat/errors.js';
import type { UsersService } from '../../chat/users.service.js';
import type { Hub } from '../../ws/hub.js';
import { currentUser, requireUser } from '../middleware/auth.js';
import { endSession, startSession } from '../session.js';
import { parse } from '../validate.js';

const credentials = z.object({
  username: z.string().max(128),
  password: z.string().max(1024),
});
const registration = credentials.extend({ avatar: z.number().int().min(1).max(12).optional() });

export interface AuthLimits {
  loginPerWindow: number;
  windowMs: number;
}

function tooMany(message: string) {
  return () => {
    throw new AppError('RATE_LIMITED', 429, message);
  };
}

/** Sign-up, login, logout and "who am I". */
export function authRoutes(users: UsersService, hub: Hub, limits: AuthLimits): Router {
  const router = Router();
  const loginLimiter = rateLimit({
    windowMs: limits.windowMs,
    limit: limits.loginPerWindow,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) =>
      `${ipKeyGenerator(req.ip ?? '')}|${String(req.body?.username ?? '').toLowerCase()}`,
    handler: tooMany('Too many login attempts; wait a little and try again.'),
  });

  router.post('/api/register', async (req, res) => {
    const user = await users.register(parse(registration, req.body));
    await startSession(req, user.id);
    res.status(201).json({ user });
  });

  router.post('/api/login', loginLimiter, async (req, res) => {
    const user = await users.authenticate(parse(credentials, req.body));
    await startSession(req, user.id);
    res.json({ user });
  });

  router.post('/api/logout', async (req, res) => {
    const sessionId = req.sessionID;
    if (req.session) await endSession(req);
    hub.closeSession(sessionId, 4001, 'Logged out');
    res.clearCookie(req.app.get('session cookie') as string, { path: '/' });
    res.status(204).end();
  });

  router.get('/api/me', requireUser, (_req, res) => {
    res.json({ user: currentUser(res) });
  });

  return router;
}
