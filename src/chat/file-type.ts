import { open } from 'node:fs/promises';
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';

/** Only these are shown inline; everything else is offered as a download. */
export const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export interface DetectedType {
  mime: string;
  image: boolean;
  width: number | null;
  height: number | null;
}

const SNIFF_BYTES = 64 * 1024;

/** Decides a file's type from its leading bytes, never from its name or a client's header. */
export async function detectFileType(path: string): Promise<DetectedType> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    const bytes = head.subarray(0, bytesRead);
    const mime = (await fileTypeFromBuffer(bytes))?.mime ?? 'application/octet-stream';
    if (!INLINE_IMAGE_TYPES.has(mime)) return { mime, image: false, width: null, height: null };
    const size = dimensions(bytes) ?? dimensions(await handle.readFile());
    if (!size) return { mime: 'application/octet-stream', image: false, width: null, height: null };
    return { mime, image: true, ...size };
  } finally {
    await handle.close();
  }
}

function dimensions(bytes: Uint8Array): { width: number; height: number } | null {
  try {
    const { width, height } = imageSize(bytes);
    return width && height ? { width, height } : null;
  } catch {
    return null;
  }
}
