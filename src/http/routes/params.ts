import { z } from 'zod';
import { notFound } from '../../chat/errors.js';
import { PAGE_SIZE } from '../../chat/messages.service.js';

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
    limit: whole(3).pipe(z.number().min(1).max(100)).default(PAGE_SIZE),
  })
  .refine((q) => q.before === undefined || q.after === undefined, {
    message: 'Use either before or after, not both.',
  });

const PATH_ID = /^[1-9]\d{0,9}$/;
type Missing = [code: string, what: string];
export const NO_ROOM: Missing = ['ROOM_NOT_FOUND', 'Room'];
export const NO_USER: Missing = ['USER_NOT_FOUND', 'User'];
export const NO_FILE: Missing = ['ATTACHMENT_NOT_FOUND', 'File'];

/**
 * A path segment such as `:roomId` that must have the shape `pattern`. Anything else
 * names nothing, so it is the same 404 as a room, person or file that does not exist.
 */
export function pathSegment(raw: unknown, pattern: RegExp, [code, what]: Missing): string {
  if (typeof raw !== 'string' || !pattern.test(raw)) throw notFound(code, what);
  return raw;
}

/** A row id in a path: plain digits, no leading zero, within the id range. */
export function pathId(raw: unknown, missing: Missing): number {
  const id = Number(pathSegment(raw, PATH_ID, missing));
  if (id > MAX_ID) throw notFound(...missing);
  return id;
}
