import type { z } from 'zod';
import { invalid } from '../chat/errors.js';

/** Parses request input at the edge; a failure is a 400 VALIDATION naming the field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw invalid(`${field}${issue.message}`);
}
