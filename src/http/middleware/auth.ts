import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../chat/errors.js';
import type { UsersService } from '../../chat/users.service.js';
import type { PublicUser } from '../../shared/wire.js';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
  }
}

declare global {
  namespace Express {
    interface Locals {
      user?: PublicUser;
    }
  }
}

/** Loads the signed-in user (if any) into `res.locals.user`. */
export function loadUser(users: UsersService) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const userId = req.session?.userId;
    if (userId !== undefined) {
      const user = await users.get(userId);
      if (user) res.locals.user = user;
    }
    next();
  };
}

/** API routes answer 401; pages redirect to /login. */
export function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (res.locals.user) {
    next();
    return;
  }
  if (req.originalUrl.startsWith('/api/')) throw new AppError('UNAUTHENTICATED', 401, 'Please log in.');
  res.redirect(302, '/login');
}

export function currentUser(res: Response): PublicUser {
  return res.locals.user!;
}
