import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { AttachmentsService } from './chat/attachments.service.js';
import { Conversations } from './chat/conversations.js';
import { MessageWriter } from './chat/message-writer.js';
import { MessagesService } from './chat/messages.service.js';
import { PasswordHasher } from './chat/password-hasher.js';
import { RateLimiter } from './chat/rate-limiter.js';
import { ReadStateService } from './chat/read-state.service.js';
import { RoomsService } from './chat/rooms.service.js';
import { DatabaseSessionStore } from './chat/session-store.js';
import { TypingService } from './chat/typing.service.js';
import { UsersService } from './chat/users.service.js';
import type { Config } from './config.js';
import { openDatabase } from './db/data-source.js';
import { isMysql, supportsInsertReturning } from './db/dialect.js';
import { createApp } from './http/app.js';
import { authRoutes } from './http/routes/auth.routes.js';
import { healthRoutes } from './http/routes/health.routes.js';
import { pagesRoutes } from './http/routes/pages.routes.js';
import { peopleRoutes } from './http/routes/people.routes.js';
import { profileRoutes } from './http/routes/profile.routes.js';
import { roomsRoutes } from './http/routes/rooms.routes.js';
import { uploadsRoutes } from './http/routes/uploads.routes.js';
import { sessionCookies } from './http/session-cookies.js';
import type { Logger } from './log.js';
import { sessionSecret } from './secrets.js';
import { attachGateway } from './ws/gateway.js';
import { createFrameHandler } from './ws/handlers.js';
import { Hub } from './ws/hub.js';
import { LobbyFeed } from './ws/lobby-feed.js';
import { Outbox, SOCKETS_PER_SLICE } from './ws/outbox.js';

export const ROOT_DIR = path.resolve(import.meta.dirname, '..', '..');

export interface Natter {
  server: Server;
  uploadDir: string;
  /** Version stamp of this build's browser assets (`?v=` in asset URLs). */
  assetVersion: string;
  db: DataSource;
  hub: Hub;
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  /** Stops accepting, closes sockets with 1001, finishes in-flight writes, closes the database. */
  close(): Promise<void>;
}

/** Wires configuration, database, services, HTTP and WebSocket together. No logic lives here. */
export async function createNatter(config: Config, log: Logger): Promise<Natter> {
  const db = await openDatabase(config);
  const hub = new Hub(config.PRESENCE_GRACE_MS);
  const passwords = new PasswordHasher(config.BCRYPT_ROUNDS);
  const users = new UsersService(db, passwords);
  const rooms = new RoomsService(db);
  await rooms.ensureDefaults();
  const attachments = new AttachmentsService(db, {
    dir: config.uploadDir,
    quotaBytes: config.UPLOAD_QUOTA_BYTES,
  });
  await attachments.prepare();
  const writer = new MessageWriter(db, await supportsInsertReturning(db));
  const conversations = new Conversations(users, rooms);
  const readState = new ReadStateService(db, hub);
  const typing = new TypingService(conversations, hub);
  const messageLimiter = new RateLimiter(config.MESSAGES_PER_SECOND, config.MESSAGE_BURST);
  const messages = new MessagesService(
    db,
    writer,
    users,
    attachments,
    conversations,
    readState,
    hub,
    hub,
    messageLimiter,
    (err) => log.warn({ err }, 'delivery bookkeeping failed'),
  );
  const lobby = new LobbyFeed(hub, rooms, log.child({ module: 'lobby' }));

  const maxAge = config.SESSION_MAX_AGE_DAYS * 86_400_000;
  const sessionStore = new DatabaseSessionStore(db, maxAge);
  const cookies = sessionCookies(sessionStore, await sessionSecret(config), maxAge);

  const app = createApp({
    log,
    rootDir: ROOT_DIR,
    trustProxy: config.TRUST_PROXY,
    sessionMiddleware: cookies.middleware,
    users,
    routers: [
      healthRoutes(db),
      authRoutes({
        users,
        hub,
        sessions: sessionStore,
        cookies,
        limits: {
          loginPerUserAndIp: config.LOGIN_ATTEMPTS_PER_15MIN,
          loginPerIp: config.LOGIN_ATTEMPTS_PER_IP_PER_15MIN,
          registrationsPerIpPerHour: config.REGISTRATIONS_PER_IP_PER_HOUR,
        },
      }),
      roomsRoutes(rooms, messages, hub),
      peopleRoutes(users, messages, readState, hub),
      uploadsRoutes(attachments, config.uploadDir, config.MAX_UPLOAD_BYTES),
      profileRoutes(users, attachments, config.uploadDir, config.MAX_UPLOAD_BYTES),
      pagesRoutes({
        users,
        rooms,
        messages,
        readState,
        presence: hub,
        maxUploadBytes: config.MAX_UPLOAD_BYTES,
      }),
    ],
  });
  // Slow or idle clients cannot hold connections open: headers must arrive promptly.
  const server = createServer(
    {
      maxHeaderSize: 16 * 1024,
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: Math.max(120_000, config.HTTP_HEADERS_TIMEOUT_MS),
      connectionsCheckingInterval: Math.min(5_000, config.HTTP_HEADERS_TIMEOUT_MS / 2),
    },
    app,
  );
  const gateway = attachGateway({
    server,
    sessionFor: cookies.forUpgrade,
    trustProxy: config.TRUST_PROXY,
    connectionCaps: { perUser: config.WS_MAX_CONNECTIONS_PER_USER, perIp: config.WS_MAX_CONNECTIONS_PER_IP },
    users,
    hub,
    outbox: new Outbox(
      config.WS_MAX_BUFFERED_BYTES,
      isMysql(db) ? SOCKETS_PER_SLICE : Number.POSITIVE_INFINITY,
    ),
    lobby,
    onFrame: createFrameHandler({
      hub,
      lobby,
      rooms,
      messages,
      conversations,
      readState,
      typing,
      log: log.child({ module: 'ws' }),
    }),
    heartbeatMs: config.WS_HEARTBEAT_MS,
    frameLimits: { perSecond: config.WS_FRAMES_PER_SECOND, burst: config.WS_FRAME_BURST },
    log: log.child({ module: 'ws' }),
  });
  const sweeper = setInterval(() => void sessionStore.deleteExpired().catch(() => {}), 10 * 60_000);
  sweeper.unref();

  return {
    server,
    uploadDir: config.uploadDir,
    assetVersion: app.locals.assetVersion as string,
    db,
    hub,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.PORT, config.HOST, () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : config.PORT);
        });
      }),
    async close() {
      clearInterval(sweeper);
      lobby.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      hub.closeAll(1001, 'Server shutting down');
      gateway.close();
      server.closeIdleConnections();
      const writesSettled = async () => {
        await writer.idle();
        await readState.idle();
      };
      await writesSettled();
      // Peers that do not answer the close handshake are cut off.
      const cutOff = setTimeout(() => hub.terminateAll(), 2000);
      await closed;
      clearTimeout(cutOff);
      // Frames handled during the close handshake may have queued more.
      await writesSettled();
      await passwords.close();
      await db.destroy();
    },
  };
}
