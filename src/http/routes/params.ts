import { z } from 'zod';

export const idParam = z.coerce.number().int().positive().max(2_147_483_647);

const cursor = z.coerce.number().int().min(0).max(2_147_483_647);

export const pageQuery = z
  .object({
    before: cursor.optional(),
    after: cursor.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .refine((q) => q.before === undefined || q.after === undefined, {
    message: 'Use either before or after, not both.',
  });
