import type { IncomingMessage } from 'node:http';

/**
 * True when a browser says the request comes from another site. Requests without an
 * Origin (non-browser clients) are not cross-site; a browser always sends one on
 * state-changing requests and WebSocket upgrades.
 */
export function isCrossSite(req: IncomingMessage): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true; // "null" and malformed origins
  }
}
