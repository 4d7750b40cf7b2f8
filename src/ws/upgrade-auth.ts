import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { UsersService } from '../chat/users.service.js';
import { isCrossSite } from '../http/origin.js';
import type { PublicUser } from '../shared/wire.js';

export type UpgradeDecision =
  | { ok: true; user: PublicUser; sessionId: string }
  | { ok: false; status: 401 | 403 | 404 | 503; reason: string };

type SessionRequest = IncomingMessage & { session?: { userId?: number }; sessionID?: string };

/**
 * Decides an upgrade from its headers alone, before any socket exists: the path, the
 * Origin (a foreign one is 403) and the session cookie (none or invalid is 401).
 */
export async function authenticateUpgrade(
  req: IncomingMessage,
  sessionFor: (req: IncomingMessage) => RequestHandler,
  users: UsersService,
): Promise<UpgradeDecision> {
  if (new URL(req.url ?? '/', 'http://x').pathname !== '/ws')
    return { ok: false, status: 404, reason: 'not /ws' };
  if (isCrossSite(req)) return { ok: false, status: 403, reason: 'foreign origin' };
  const sessionReq = req as SessionRequest;
  const failed = await new Promise<unknown>((resolve) =>
    sessionFor(req)(sessionReq as never, {} as never, (err?: unknown) => resolve(err)),
  );
  if (failed) return { ok: false, status: 503, reason: 'session store unavailable' };
  const userId = sessionReq.session?.userId;
  const user = userId === undefined ? null : await users.get(userId);
  if (!user || !sessionReq.sessionID) return { ok: false, status: 401, reason: 'no valid session' };
  return { ok: true, user, sessionId: sessionReq.sessionID };
}
