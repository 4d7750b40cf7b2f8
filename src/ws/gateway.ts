import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestHandler } from 'express';
import { type WebSocket, WebSocketServer } from 'ws';
import { RateLimiter } from '../chat/rate-limiter.js';
import type { UsersService } from '../chat/users.service.js';
import { clientIp, compileTrust, trustProxySetting } from '../http/client-ip.js';
import type { Logger } from '../log.js';
import type { PublicUser } from '../shared/wire.js';
import { Connection } from './connection.js';
import { ConnectionCaps } from './connection-caps.js';
import type { createFrameHandler } from './handlers.js';
import { startHeartbeat } from './heartbeat.js';
import type { Hub } from './hub.js';
import type { LobbyFeed } from './lobby-feed.js';
import type { Outbox } from './outbox.js';
import { authenticateUpgrade } from './upgrade-auth.js';

export const MAX_FRAME_BYTES = 64 * 1024;

export interface GatewayDeps {
  server: Server;
  sessionFor: (req: IncomingMessage) => RequestHandler;
  trustProxy: string | undefined;
  connectionCaps: { perUser: number; perIp: number };
  users: UsersService;
  hub: Hub;
  outbox: Outbox;
  lobby: LobbyFeed;
  onFrame: ReturnType<typeof createFrameHandler>;
  heartbeatMs: number;
  frameLimits: { perSecond: number; burst: number };
  log: Logger;
}

const STATUS_TEXT = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/**
 * Upgrades `/ws`: the Origin and the session cookie are checked before the upgrade
 * completes, so a refused client never gets a socket.
 */
export function attachGateway(deps: GatewayDeps): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const log = deps.log;
  const frameLimiter = new RateLimiter(deps.frameLimits.perSecond, deps.frameLimits.burst);
  const caps = new ConnectionCaps(deps.connectionCaps.perUser, deps.connectionCaps.perIp);
  const trust = compileTrust(trustProxySetting(deps.trustProxy));

  const onUpgradeSocketError = (err: Error) => log.debug({ err }, 'upgrade socket error');
  // Built apart from the upgrade handler so that nothing a socket keeps for its lifetime
  // (its listeners) closes over the request, its headers or its session.
  const admit = (ws: WebSocket, socket: Duplex, user: PublicUser, sessionId: string, ip: string) => {
    const conn = new Connection(randomUUID(), ws, socket, user, sessionId, deps.outbox);
    ws.once('close', () => caps.release(user.id, ip));
    open(deps, conn, frameLimiter);
  };

  deps.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', onUpgradeSocketError);
    authenticateUpgrade(req, deps.sessionFor, deps.users).then(
      (decision) => {
        if (!decision.ok) {
          if (decision.status === 403)
            log.warn({ origin: req.headers.origin }, 'ws upgrade refused: foreign origin');
          return refuse(socket, decision.status);
        }
        const ip = clientIp(req, trust);
        if (!caps.tryAcquire(decision.user.id, ip)) {
          log.warn({ userId: decision.user.id, ip }, 'ws upgrade refused: too many connections');
          return refuse(socket, 429);
        }
        const { user, sessionId } = decision;
        wss.handleUpgrade(req, socket, head, (ws) => admit(ws, socket, user, sessionId, ip));
      },
      (err: unknown) => {
        log.warn({ err }, 'ws upgrade failed');
        refuse(socket, 503);
      },
    );
  });

  const stopHeartbeat = startHeartbeat(() => deps.hub.all(), deps.heartbeatMs);

  return {
    close() {
      stopHeartbeat();
      wss.close();
    },
  };
}

function open(deps: GatewayDeps, conn: Connection, frameLimiter: RateLimiter): void {
  // Fields, not a child logger per socket: tens of thousands of sockets stay small.
  const about = () => ({ conn: conn.id, userId: conn.user.id });
  const log = deps.log;
  deps.hub.add(conn);
  log.debug(about(), 'socket open');
  conn.ws.on('pong', () => {
    conn.missedPings = 0;
  });
  conn.ws.on('message', (data, isBinary) => {
    // Frames still arriving after we began closing (e.g. the rest of a flood) are dropped.
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    conn.missedPings = 0;
    if (!frameLimiter.take(conn.id)) {
      log.warn(about(), 'frame flood; closing');
      conn.close(1008, 'Too many frames');
      return;
    }
    if (isBinary) {
      conn.send({ type: 'error', code: 'BAD_FRAME', message: 'Frames must be text.' });
      return;
    }
    void deps.onFrame(conn, data.toString());
  });
  conn.ws.on('error', (err) => log.warn({ ...about(), err }, 'socket error'));
  conn.ws.on('close', (code) => {
    deps.hub.remove(conn);
    deps.lobby.forget(conn);
    log.debug({ ...about(), code }, 'socket closed');
  });
}

function refuse(socket: Duplex, status: keyof typeof STATUS_TEXT): void {
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
  }
  socket.destroy();
}
