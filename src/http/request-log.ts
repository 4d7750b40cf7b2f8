import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id: the client's `X-Request-Id` when it is a sane one, else a new UUID. */
    id: string;
  }
}

const REQUEST_ID = /^[\w-]{1,64}$/;

/**
 * Gives each request an id, answers with it in `X-Request-Id`, and logs one line when the
 * request ends: "request completed" (or "aborted") at info, "request errored" at warn for
 * a 5xx. When the level drops the line, nothing of it is built.
 */
export function requestLog(log: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    const started = Date.now();
    const ended = () => {
      res.off('finish', ended);
      res.off('close', ended);
      const failed = res.statusCode >= 500;
      const level = failed ? 'warn' : 'info';
      if (!log.isLevelEnabled(level)) return;
      const line = {
        req: { id, method: req.method, url: req.originalUrl, remoteAddress: req.socket.remoteAddress },
        clientIp: req.ip,
        res: { statusCode: res.statusCode },
        responseTime: Date.now() - started,
      };
      log[level](
        line,
        failed ? 'request errored' : res.writableEnded ? 'request completed' : 'request aborted',
      );
    };
    res.on('finish', ended);
    res.on('close', ended);
    next();
  };
}
