import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestHandler } from 'express';
import { WebSocketServer } from 'ws';
import { RateLimiter } from '../chat/rate-limiter.js';
import type { UsersService } from '../chat/users.service.js';
import { isCrossSite } from '../http/origin.js';
import type { Logger } from '../log.js';
import { Connection } from './connection.js';
import type { createFrameHandler } from './handlers.js';
import type { Hub } from './hub.js';
import type { LobbyFeed } from './lobby-feed.js';

export const MAX_FRAME_BYTES = 64 * 1024;

export interface GatewayDeps {
  server: Server;
  sessionMiddleware: RequestHandler;
  users: UsersService;
  hub: Hub;
  lobby: LobbyFeed;
  onFrame: ReturnType<typeof createFrameHandler>;
  heartbeatMs: number;
  frameLimits: { perSecond: number; burst: number };
  log: Logger;
}

type SessionRequest = IncomingMessage & { session?: { userId?: number }; sessionID?: string };

/**
 * Upgrades `/ws`: the Origin and the session cookie are checked before the upgrade
 * completes, so a refused client never gets a socket.
 */
export function attachGateway(deps: GatewayDeps): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const log = deps.log;
  const frameLimiter = new RateLimiter(deps.frameLimits.perSecond, deps.frameLimits.burst);

  deps.server.on('upgrade', (req: SessionRequest, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => log.debug({ err }, 'upgrade socket error'));
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/ws') return refuse(socket, 404, 'Not Found');
    if (isCrossSite(req)) {
      log.warn({ origin: req.headers.origin }, 'ws upgrade from a foreign origin refused');
      return refuse(socket, 403, 'Forbidden');
    }
    deps.sessionMiddleware(req as never, {} as never, () => {
      const userId = req.session?.userId;
      const lookup = userId === undefined ? Promise.resolve(null) : deps.users.get(userId);
      lookup.then(
        (user) => {
          if (!user || !req.sessionID) return refuse(socket, 401, 'Unauthorized');
          wss.handleUpgrade(req, socket, head, (ws) => {
            const conn = new Connection(randomUUID(), ws, user, req.sessionID!);
            open(deps, conn, frameLimiter);
          });
        },
        (err: unknown) => {
          log.warn({ err }, 'ws upgrade failed: session lookup');
          refuse(socket, 503, 'Service Unavailable');
        },
      );
    });
  });

  const heartbeat = setInterval(() => {
    for (const conn of deps.hub.all()) {
      if (conn.missedPings >= 2) {
        conn.ws.terminate();
        continue;
      }
      conn.missedPings++;
      conn.ws.ping();
    }
  }, deps.heartbeatMs);
  heartbeat.unref();

  return {
    close() {
      clearInterval(heartbeat);
      wss.close();
    },
  };
}

function open(deps: GatewayDeps, conn: Connection, frameLimiter: RateLimiter): void {
  const log = deps.log.child({ conn: conn.id, userId: conn.user.id });
  deps.hub.add(conn);
  log.debug('socket open');
  conn.ws.on('pong', () => {
    conn.missedPings = 0;
  });
  conn.ws.on('message', (data, isBinary) => {
    conn.missedPings = 0;
    if (!frameLimiter.take(conn.id)) {
      log.warn('frame flood; closing');
      conn.close(1008, 'Too many frames');
      return;
    }
    if (isBinary) {
      conn.send({ type: 'error', code: 'BAD_FRAME', message: 'Frames must be text.' });
      return;
    }
    void deps.onFrame(conn, data.toString());
  });
  conn.ws.on('error', (err) => log.warn({ err }, 'socket error'));
  conn.ws.on('close', (code) => {
    deps.hub.remove(conn);
    deps.lobby.forget(conn);
    log.debug({ code }, 'socket closed');
  });
}

function refuse(socket: Duplex, status: number, text: string): void {
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  socket.destroy();
}
