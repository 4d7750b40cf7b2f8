import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';

export const PLAIN_COOKIE = 'natter.sid';
/** Over TLS the cookie gets the `__Host-` prefix: Secure, path /, no Domain, so no subdomain can plant or read it. */
export const TLS_COOKIE = '__Host-natter.sid';

export interface SessionCookies {
  /** For HTTP requests: picks the cookie by whether the request came over TLS. */
  middleware: RequestHandler;
  /** For WebSocket upgrades, where Express has not decided `req.secure`: picks by the cookie sent. */
  forUpgrade(req: IncomingMessage): RequestHandler;
  cookieName(req: Request): string;
}

export function sessionCookies(store: session.Store, secret: string, maxAge: number): SessionCookies {
  const options = { secret, resave: false, saveUninitialized: false } as const;
  const cookie = { httpOnly: true, sameSite: 'lax', path: '/', maxAge } as const;
  // express-session writes its own `generate` onto the store, so each instance gets a
  // view of the one store to keep them from overwriting each other's cookie settings.
  const plain = session({
    ...options,
    store: Object.create(store),
    name: PLAIN_COOKIE,
    cookie: { ...cookie, secure: false },
  });
  const tls = session({
    ...options,
    store: Object.create(store),
    name: TLS_COOKIE,
    cookie: { ...cookie, secure: true },
  });
  return {
    middleware: (req: Request, res: Response, next: NextFunction) =>
      (req.secure ? tls : plain)(req, res, next),
    forUpgrade: (req) => (req.headers.cookie?.includes(`${TLS_COOKIE}=`) ? tls : plain),
    cookieName: (req) => (req.secure ? TLS_COOKIE : PLAIN_COOKIE),
  };
}
