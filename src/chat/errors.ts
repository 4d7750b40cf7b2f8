import { driverCode } from '../db/dialect.js';
/** The one error family: a stable code for clients, an HTTP status, and a human message. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (code: string, what: string) => new AppError(code, 404, `${what} not found`);
export const invalid = (message: string) => new AppError('VALIDATION', 400, message);
export const unavailable = () =>
  new AppError('UNAVAILABLE', 503, 'The database is unreachable right now; try again shortly.');

/** Anything thrown, as an Error (a batch's outcome for one write). */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Maps unknown failures from the database layer to a 503 the client can retry. */
export function asAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  const code = driverCode(err);
  const connectionCodes = [
    'ECONNREFUSED',
    'ECONNRESET',
    'PROTOCOL_CONNECTION_LOST',
    'ETIMEDOUT',
    'EPIPE',
    'SQLITE_BUSY',
  ];
  if (
    code &&
    (connectionCodes.includes(code) || code.startsWith('ER_CON') || code === 'ER_SERVER_SHUTDOWN')
  ) {
    return unavailable();
  }
  return null;
}
