import { Router } from 'express';
import { z } from 'zod';
import type { AttachmentsService } from '../../chat/attachments.service.js';
import { PRESET_AVATAR_COUNT } from '../../chat/avatars.js';
import { invalid } from '../../chat/errors.js';
import type { UsersService } from '../../chat/users.service.js';
import { currentUser, requireUser } from '../middleware/auth.js';
import { parse } from '../validate.js';
import { uploadedFile, uploadParser } from './uploads.routes.js';

const preset = z.object({ preset: z.number().int().min(1).max(PRESET_AVATAR_COUNT) });
const MAX_AVATAR_SIDE = 2048;

/** The signed-in user's own profile: their avatar. */
export function profileRoutes(
  users: UsersService,
  attachments: AttachmentsService,
  uploadDir: string,
  maxBytes: number,
) {
  const router = Router();
  const parseUpload = uploadParser(uploadDir, maxBytes);

  router.put('/api/me/avatar', requireUser, async (req, res) => {
    const user = await users.setAvatar(currentUser(res), `preset:${parse(preset, req.body).preset}`);
    res.json({ user });
  });

  router.post('/api/me/avatar', requireUser, parseUpload, async (req, res) => {
    const me = currentUser(res);
    const row = await attachments.store(me, uploadedFile(req.file), { public: true });
    if (!row.isImage || row.width !== row.height || row.width! > MAX_AVATAR_SIDE) {
      await attachments.discard(row);
      throw invalid(
        `An avatar must be a square PNG, JPEG, GIF or WebP image, at most ${MAX_AVATAR_SIDE} pixels wide.`,
      );
    }
    const user = await users.setAvatar(me, `upload:${row.id}`);
    res.status(201).json({ user });
  });

  return router;
}
