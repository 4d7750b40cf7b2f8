import { z } from 'zod';
import { PollutionKeyError, rejectPollutionKeys } from '../http/json.js';
import type { ClientFrame } from '../shared/wire.js';

const id = z.number().int().positive().max(2_147_483_647);

/** Client → server frames. Unknown fields are dropped; anything else is a clear error. */
export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), roomId: id }),
  z.object({ type: z.literal('unsubscribe'), roomId: id }),
  z.object({
    type: z.literal('send'),
    clientId: z.string().min(1).max(64),
    roomId: id.optional(),
    toUserId: id.optional(),
    text: z.string().max(16_000).optional(),
    attachmentId: z.string().max(64).optional(),
  }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('subscribeLobby') }),
  z.object({ type: z.literal('read'), messageId: id, roomId: id.optional(), toUserId: id.optional() }),
  z.object({ type: z.literal('typing'), roomId: id.optional(), toUserId: id.optional() }),
]);

export type ParsedFrame = z.infer<typeof clientFrameSchema>;

// Compile-time check that the schema and the shared wire type describe the same frames.
type Assignable<T extends U, U> = T;
export type _FrameTypesAgree = Assignable<ParsedFrame['type'], ClientFrame['type']>;

export type ParseResult =
  | { ok: true; frame: ParsedFrame }
  | { ok: false; message: string; clientId?: string };

export function parseClientFrame(data: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(data, rejectPollutionKeys);
  } catch (err) {
    if (err instanceof PollutionKeyError) return { ok: false, message: err.message };
    return { ok: false, message: 'Frames must be JSON objects.' };
  }
  const result = clientFrameSchema.safeParse(json);
  if (result.success) return { ok: true, frame: result.data };
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const clientId = (json as { clientId?: unknown } | null)?.clientId;
  return {
    ok: false,
    message: `${where}${issue.message}`,
    ...(typeof clientId === 'string' && clientId.length <= 64 ? { clientId } : {}),
  };
}
