import { randomUUID } from 'node:crypto';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { UsersService } from '../chat/users.service.js';
import type { Logger } from '../log.js';
import { trustProxySetting } from './client-ip.js';
import { rejectPollutionKeys } from './json.js';
import { loadUser } from './middleware/auth.js';
import { errorHandler, notFoundHandler } from './middleware/errors.js';
import { sameOriginOnly } from './middleware/same-origin.js';
import { hstsWhenSecure, securityHeaders } from './security-headers.js';
import { assetVersion, staticFiles } from './static-files.js';

export interface AppDeps {
  log: Logger;
  rootDir: string;
  trustProxy: string | undefined;
  sessionMiddleware: RequestHandler;
  users: UsersService;
  routers: Router[];
}

const REQUEST_ID = /^[\w-]{1,64}$/;

/** The Express app: middleware order is the security story, routes come from their own files. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(deps.trustProxy));
  app.set('view engine', 'ejs');
  app.set('views', path.join(deps.rootDir, 'views'));
  // Compile each template (and its includes) once instead of on every render; views
  // change only with a new build, which means a restart.
  app.set('view cache', true);
  app.locals.assetVersion = assetVersion(deps.rootDir);

  app.use(
    pinoHttp({
      logger: deps.log.child({ module: 'http' }),
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'warn' : 'info'),
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customProps: (req) => ({ clientIp: (req as express.Request).ip }),
    }),
  );
  app.use(securityHeaders(), hstsWhenSecure);
  app.use(staticFiles(deps.rootDir));
  app.use(sameOriginOnly);
  app.use(express.json({ limit: '64kb', reviver: rejectPollutionKeys }));
  app.use(deps.sessionMiddleware);
  app.use(loadUser(deps.users));
  for (const router of deps.routers) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.log.child({ module: 'http' })));
  return app;
}
