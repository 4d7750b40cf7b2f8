import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource, Repository } from 'typeorm';
import { AttachmentEntity, type AttachmentRow, MessageEntity, type MessageRow } from '../db/entities.js';
import type { Attachment, PublicUser } from '../shared/wire.js';
import { AppError, invalid, notFound } from './errors.js';
import { cleanFileName } from './file-names.js';
import { detectFileType } from './file-type.js';

export interface UploadedFile {
  /** Where multer wrote it, inside the upload directory. */
  path: string;
  originalName: string;
  size: number;
}

export interface UploadLimits {
  dir: string;
  quotaBytes: number;
}

const attachmentNotFound = () => notFound('ATTACHMENT_NOT_FOUND', 'File');

export function toWireAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    url: `/uploads/${row.id}`,
    name: row.name,
    size: row.size,
    mime: row.mime,
    image: row.isImage,
    ...(row.width && row.height ? { width: row.width, height: row.height } : {}),
  };
}

/** Uploaded files: stored under server-made names, typed from their bytes, served only to who may see them. */
export class AttachmentsService {
  private readonly repo: Repository<AttachmentRow>;
  private readonly messages: Repository<MessageRow>;

  constructor(
    db: DataSource,
    private readonly limits: UploadLimits,
  ) {
    this.repo = db.getRepository(AttachmentEntity);
    this.messages = db.getRepository(MessageEntity);
  }

  /** Where files live; multer writes into `incoming/` below it. */
  async prepare(): Promise<void> {
    await mkdir(path.join(this.limits.dir, 'incoming'), { recursive: true });
  }

  /** Keeps an uploaded file, or removes it and explains why not. */
  async store(
    owner: PublicUser,
    file: UploadedFile,
    options: { public?: boolean } = {},
  ): Promise<AttachmentRow> {
    try {
      if (file.size === 0) throw invalid('The file is empty.');
      await this.checkQuota(owner, file.size);
      const type = await detectFileType(file.path);
      const storageName = randomBytes(16).toString('hex');
      const row: AttachmentRow = {
        id: randomBytes(16).toString('base64url'),
        ownerId: owner.id,
        name: cleanFileName(file.originalName),
        size: file.size,
        mime: type.mime,
        isImage: type.image,
        width: type.width,
        height: type.height,
        sha256: await sha256(file.path),
        storageName,
        isPublic: options.public ?? false,
        createdAt: Date.now(),
      };
      await rename(file.path, this.pathOf(row));
      await this.repo.insert(row);
      return row;
    } catch (err) {
      await rm(file.path, { force: true });
      throw err;
    }
  }

  /** Removes a file that turned out not to be usable (e.g. an avatar that is not square). */
  async discard(row: AttachmentRow): Promise<void> {
    await this.repo.delete({ id: row.id });
    await rm(this.pathOf(row), { force: true });
  }

  /** An attachment its owner may put into a new message. */
  async ownedBy(owner: PublicUser, id: string): Promise<AttachmentRow> {
    const row = await this.repo.findOneBy({ id, ownerId: owner.id });
    if (!row) throw attachmentNotFound();
    return row;
  }

  async getMany(ids: string[]): Promise<Map<string, AttachmentRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.repo.createQueryBuilder('a').where('a.id IN (:...ids)', { ids }).getMany();
    return new Map(rows.map((row) => [row.id, row]));
  }

  /**
   * The file, if the user may see it: its owner always; anyone signed in for a public one
   * (avatars) or one in a room; the two people of a private conversation. Else NOT_FOUND.
   */
  async visible(user: PublicUser, id: string): Promise<{ row: AttachmentRow; file: string }> {
    const row = await this.repo.findOneBy({ id });
    if (!row) throw attachmentNotFound();
    if (row.ownerId !== user.id && !row.isPublic) {
      const message = await this.messages.findOneBy({ attachmentId: id });
      const allowed =
        message !== null &&
        (message.roomId !== null || message.fromUserId === user.id || message.toUserId === user.id);
      if (!allowed) throw attachmentNotFound();
    }
    return { row, file: this.pathOf(row) };
  }

  private pathOf(row: AttachmentRow): string {
    return path.join(this.limits.dir, row.storageName);
  }

  private async checkQuota(owner: PublicUser, size: number): Promise<void> {
    const used = await this.repo.sum('size', { ownerId: owner.id });
    if ((used ?? 0) + size > this.limits.quotaBytes) {
      throw new AppError(
        'QUOTA_EXCEEDED',
        413,
        'You have used up your storage for files; ask an admin for more.',
      );
    }
  }
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
