import { Router } from 'express';
import { z } from 'zod';
import { PRESET_AVATAR_COUNT } from '../../chat/avatars.js';
import type { DatabaseSessionStore } from '../../chat/session-store.js';
import type { UsersService } from '../../chat/users.service.js';
import type { Hub } from '../../ws/hub.js';
import type { AuthLimitSettings } from '../limits.js';
import { authLimiters } from '../limits.js';
import { currentUser, requireUser } from '../middleware/auth.js';
import { endSession, startSession } from '../session.js';
import type { SessionCookies } from '../session-cookies.js';
import { parse } from '../validate.js';

const credentials = z.object({
  username: z.string().max(128),
  password: z.string().max(1024),
});
const registration = credentials.extend({
  avatar: z.number().int().min(1).max(PRESET_AVATAR_COUNT).optional(),
});
const passwordChange = z.object({ currentPassword: z.string().max(1024), newPassword: z.string().max(1024) });

/** Code a socket is closed with when its session ends: the browser goes to the login page. */
export const LOGGED_OUT = 4001;

export interface AuthDeps {
  users: UsersService;
  hub: Hub;
  sessions: DatabaseSessionStore;
  cookies: SessionCookies;
  limits: AuthLimitSettings;
}

/** Sign-up, login, logout, password change and "who am I". */
export function authRoutes({ users, hub, sessions, cookies, limits }: AuthDeps): Router {
  const router = Router();
  const limiters = authLimiters(limits);

  router.post('/api/register', limiters.register, async (req, res) => {
    const user = await users.register(parse(registration, req.body));
    await startSession(req, user.id);
    res.status(201).json({ user });
  });

  router.post('/api/login', ...limiters.login, async (req, res) => {
    const user = await users.authenticate(parse(credentials, req.body));
    await startSession(req, user.id);
    res.json({ user });
  });

  router.post('/api/logout', async (req, res) => {
    const sessionId = req.sessionID;
    if (req.session) await endSession(req);
    hub.closeSession(sessionId, LOGGED_OUT, 'Logged out');
    res.clearCookie(cookies.cookieName(req), { path: '/' });
    res.status(204).end();
  });

  router.get('/api/me', requireUser, (_req, res) => {
    res.json({ user: currentUser(res) });
  });

  // Changing the password ends every other session of the user, and their sockets.
  router.post('/api/me/password', requireUser, ...limiters.login, async (req, res) => {
    const me = currentUser(res);
    const body = parse(passwordChange, req.body);
    await users.changePassword(me, body.currentPassword, body.newPassword);
    const others = (await sessions.sessionIdsOf(me.id)).filter((id) => id !== req.sessionID);
    await sessions.destroyMany(others);
    for (const id of others) hub.closeSession(id, LOGGED_OUT, 'Password changed');
    res.status(204).end();
  });

  return router;
}
