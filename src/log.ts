import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/** Root logger; modules take `log.child({ module })`. Never log passwords, cookies or message text. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'natter' },
      redact: { paths: ['req.headers.cookie', 'res.headers["set-cookie"]', 'password'], remove: true },
    },
    destination,
  );
}
