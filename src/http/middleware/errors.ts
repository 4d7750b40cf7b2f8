import type { NextFunction, Request, Response } from 'express';
import { AppError, asAppError } from '../../chat/errors.js';
import type { Logger } from '../../log.js';

/** The one error middleware: JSON for the API, a page for everything else. */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let appError = asAppError(err) ?? fromBodyParser(err);
    if (!appError) {
      log.error({ err, reqId: req.id }, 'request failed');
      appError = new AppError('INTERNAL', 500, 'Something went wrong.');
    }
    if (res.headersSent) return;
    res.status(appError.status);
    if (req.originalUrl.startsWith('/api/') || !req.accepts('html')) {
      res.json({ error: { code: appError.code, message: appError.message } });
    } else {
      res.render('error', { status: appError.status, message: appError.message });
    }
  };
}

/** Errors thrown by body parsers and multer carry a status and a type. */
function fromBodyParser(err: unknown): AppError | null {
  const e = err as { status?: number; type?: string; code?: string; message?: string };
  if (e.type === 'entity.too.large' || e.code === 'LIMIT_FILE_SIZE') {
    return new AppError('TOO_LARGE', 413, 'That is too large.');
  }
  if (e.status && e.status >= 400 && e.status < 500) {
    return new AppError('BAD_REQUEST', e.status, 'The request could not be read.');
  }
  return null;
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new AppError('NOT_FOUND', 404, `Nothing at ${req.path}`));
}
