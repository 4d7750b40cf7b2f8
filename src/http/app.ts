import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import type { UsersService } from '../chat/users.service.js';
import type { Logger } from '../log.js';
import { trustProxySetting } from './client-ip.js';
import { rejectPollutionKeys } from './json.js';
import { loadUser } from './middleware/auth.js';
import { errorHandler, notFoundHandler } from './middleware/errors.js';
import { sameOriginOnly } from './middleware/same-origin.js';
import { requestLog } from './request-log.js';
import { hstsWhenSecure, securityHeaders } from './security-headers.js';
import { assetVersion, staticFiles } from './static-files.js';
import { compileViews } from './views.js';

export interface AppDeps {
  log: Logger;
  rootDir: string;
  trustProxy: string | undefined;
  sessionMiddleware: RequestHandler;
  users: UsersService;
  routers: Router[];
}

/** The Express app: middleware order is the security story, routes come from their own files. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Pages and API answers are made afresh for each request, so hashing every body for an
  // ETag costs more than the rare 304 saves. Static files and uploads set their own.
  app.set('etag', false);
  app.set('trust proxy', trustProxySetting(deps.trustProxy));
  const viewsDir = path.join(deps.rootDir, 'views');
  // Templates are compiled once here; views change only with a new build, which means a restart.
  app.engine('ejs', compileViews(viewsDir).engine);
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.set('view cache', true);
  app.locals.assetVersion = assetVersion(deps.rootDir);

  app.use(requestLog(deps.log.child({ module: 'http' })));
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
