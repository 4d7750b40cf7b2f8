import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../chat/errors.js';
import { isCrossSite } from '../origin.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Refuses state-changing requests sent by another site. */
export function sameOriginOnly(req: Request, _res: Response, next: NextFunction): void {
  if (!SAFE.has(req.method) && isCrossSite(req)) {
    throw new AppError('FORBIDDEN_ORIGIN', 403, 'Cross-site requests are not allowed.');
  }
  next();
}
