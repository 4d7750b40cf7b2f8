import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { Router } from 'express';
import multer from 'multer';
import type { AttachmentsService, UploadedFile } from '../../chat/attachments.service.js';
import { toWireAttachment } from '../../chat/attachments.service.js';
import { AppError, invalid } from '../../chat/errors.js';
import { contentDisposition } from '../../chat/file-names.js';
import { currentUser, requireUser } from '../middleware/auth.js';
import { NO_FILE, pathSegment } from './params.js';

const ATTACHMENT_ID = /^[\w-]{1,32}$/;

// An uploaded file can never run as a page of this site, whatever it contains.
const FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

/** Multer writing one field `file` into the upload directory under a random name. */
export function uploadParser(dir: string, maxBytes: number) {
  const parser = multer({
    storage: multer.diskStorage({
      destination: path.join(dir, 'incoming'),
      filename: (_req, _file, cb) => cb(null, randomBytes(16).toString('hex')),
    }),
    limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6, fieldNameSize: 100 },
    // Browsers send UTF-8 file names; busboy would read them as latin1.
    defParamCharset: 'utf8',
  }).single('file');
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) {
      next(new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'Upload files as multipart/form-data.'));
      return;
    }
    parser(req, res, (err: unknown) => next(err ? fromParser(err, maxBytes) : undefined));
  };
}

/** Limits and malformed multipart bodies are the client's doing; disk errors are ours. */
function fromParser(err: unknown, maxBytes: number): unknown {
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') {
      const mib = Math.round((maxBytes / 1024 / 1024) * 10) / 10;
      return new AppError('TOO_LARGE', 413, `That file is larger than the ${mib} MiB allowed.`);
    }
    return invalid(`The upload was not understood (${err.code}); send one file in a field named "file".`);
  }
  const systemError = typeof (err as { code?: unknown }).code === 'string';
  return systemError ? err : invalid('The upload could not be read as multipart/form-data.');
}

export function uploadedFile(file: Express.Multer.File | undefined): UploadedFile {
  if (!file) throw invalid('Send the file in a multipart field named "file".');
  return { path: file.path, originalName: file.originalname, size: file.size };
}

/** Upload a file for a message, and fetch files one may see. */
export function uploadsRoutes(attachments: AttachmentsService, dir: string, maxBytes: number): Router {
  const router = Router();
  const parseUpload = uploadParser(dir, maxBytes);

  router.post('/api/uploads', requireUser, parseUpload, async (req, res) => {
    const row = await attachments.store(currentUser(res), uploadedFile(req.file));
    res.status(201).json({ attachment: toWireAttachment(row) });
  });

  router.get('/uploads/:id', requireUser, async (req, res) => {
    const id = pathSegment(req.params.id, ATTACHMENT_ID, NO_FILE);
    const { row, file } = await attachments.visible(currentUser(res), id);
    if (req.headers['if-none-match'] === `"${row.sha256}"`) {
      res.status(304).end();
      return;
    }
    res.set({
      'Content-Type': row.isImage ? row.mime : 'application/octet-stream',
      'Content-Disposition': contentDisposition(row.isImage ? 'inline' : 'attachment', row.name),
      'Content-Security-Policy': FILE_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'private, max-age=31536000, immutable',
      ETag: `"${row.sha256}"`,
    });
    res.sendFile(file, { headers: {}, etag: false, lastModified: false, dotfiles: 'allow' });
  });

  return router;
}
