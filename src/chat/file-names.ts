const MAX_NAME = 255;

/**
 * The uploader's file name, kept as data only (files are stored under server-made
 * names): no directories, no control or bidi-override characters, at most 255 characters.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  const visible = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim();
  const name = [...visible].slice(0, MAX_NAME).join('');
  return name === '' || name === '.' || name === '..' ? 'file' : name;
}

/** `Content-Disposition` with a safe ASCII fallback and the exact UTF-8 name (RFC 6266/8187). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
