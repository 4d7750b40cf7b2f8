import { z } from 'zod';
import { notFound } from '../../chat/errors.js';

const MAX_ID = 2_147_483_647;

/** A whole number written plainly in a query string (no sign, exponent, hex or array). */
const whole = (digits: number) =>
  z
    .string()
    .regex(new RegExp(`^\\d{1,${digits}}$`), 'must be a whole number')
    .transform(Number);

const cursor = whole(10).pipe(z.number().max(MAX_ID));

export const pageQuery = z
  .object({
    before: cursor.optional(),
    after: cursor.optional(),
    limit: whole(3).pipe(z.number().min(1).max(100)).default(50),
  })
  .refine((q) => q.before === undefined || q.after === undefined, {
    message: 'Use either before or after, not both.',
  });

const PATH_ID = /^[1-9]\d{0,9}$/;

/**
 * The id in a path like `/rooms/:roomId`: plain decimal digits only. Anything else names
 * no room or person, so it is the same 404 as an id that does not exist.
 */
export function pathId(raw: unknown, what: 'Room' | 'User'): number {
  const id = typeof raw === 'string' && PATH_ID.test(raw) ? Number(raw) : 0;
  if (id < 1 || id > MAX_ID) throw notFound(what === 'Room' ? 'ROOM_NOT_FOUND' : 'USER_NOT_FOUND', what);
  return id;
}
