import { readFileSync } from 'node:fs';
import express from 'express';
import session from 'express-session';
import { configSchema } from '../src/config.js';
import { securityHeaders } from '../src/http/security-headers.js';
import { sessionCookies } from '../src/http/session-cookies.js';
import { endWithRunner } from './lib/lifetime.js';

// The pages floor: Express with only the framework pieces every Natter page passes through
// — helmet with Natter's policy, the JSON body parser, and express-session with Natter's
// cookie settings — answering the page bodies Natter rendered, as strings, to a session
// kept in memory. The pages ceiling (bare node:http) shows what the machine can do; this
// shows what those packages leave of it; the rest of a page's cost is Natter's own work
// (the request log, its session store, the user, routing, the page's data and rendering).

interface FloorConfig {
  port: number;
  /** A JSON file of path → HTML. */
  pagesFile: string;
}

type Callback<T = void> = (err?: unknown, value?: T) => void;

/** Sessions in a Map, answered at once, as Natter's store answers a recent session from its cache. */
class InstantStore extends session.Store {
  private readonly sessions = new Map<string, string>();

  override get(sid: string, cb: Callback<session.SessionData | null>): void {
    const data = this.sessions.get(sid);
    cb(undefined, data === undefined ? null : JSON.parse(data));
  }

  override set(sid: string, data: session.SessionData, cb?: Callback): void {
    this.sessions.set(sid, JSON.stringify(data));
    cb?.();
  }

  override destroy(sid: string, cb?: Callback): void {
    this.sessions.delete(sid);
    cb?.();
  }

  override touch(_sid: string, _data: session.SessionData, cb?: Callback): void {
    cb?.();
  }
}

/** Natter's default session lifetime, as its cookie says. */
const SESSION_MAX_AGE_MS = configSchema.shape.SESSION_MAX_AGE_DAYS.parse(undefined) * 86_400_000;

const config = JSON.parse(process.argv[2] ?? '{}') as FloorConfig;
const pages = JSON.parse(readFileSync(config.pagesFile, 'utf8')) as Record<string, string>;

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.use(securityHeaders());
app.use(express.json({ limit: '64kb' }));
app.use(
  sessionCookies(new InstantStore(), 'bench-pages-floor-secret-of-32-chars', SESSION_MAX_AGE_MS).middleware,
);
// A new signed-in session; its cookie is in the answer.
app.post('/session', (req, res, next) => {
  req.session.userId = 1;
  req.session.save((err) => (err ? next(err) : res.status(204).end()));
});
for (const [path, html] of Object.entries(pages)) {
  app.get(path, (req, res) => {
    if (req.session.userId === undefined) res.status(401).end();
    else res.type('html').send(html);
  });
}
app.listen(config.port, '127.0.0.1');

endWithRunner();
