// File uploads with XMLHttpRequest, for its progress events (fetch has none for uploads).

import { type ApiResult, failure, OFFLINE_MESSAGE } from './api.js';

export interface Upload<T> {
  /** Settles once: the server's answer, a network failure, or `ABORTED`. */
  result: Promise<ApiResult<T>>;
  abort(): void;
}

/**
 * POSTs one file as multipart/form-data in the field `file`. `onProgress` gets the share
 * sent so far (0..1) while the body goes out.
 */
export function uploadFile<T>(
  url: string,
  file: Blob,
  fileName: string,
  onProgress: (fraction: number) => void,
): Upload<T> {
  const xhr = new XMLHttpRequest();
  const result = new Promise<ApiResult<T>>((resolve) => {
    xhr.open('POST', url);
    xhr.responseType = 'text';
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      let json: unknown = null;
      try {
        json = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        json = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve({ ok: true, status: xhr.status, data: json as T });
      } else {
        resolve(failure(xhr.status, json, xhr.getResponseHeader('retry-after')));
      }
    });
    xhr.addEventListener('error', () =>
      resolve({ ok: false, status: 0, code: 'NETWORK', message: OFFLINE_MESSAGE }),
    );
    xhr.addEventListener('timeout', () =>
      resolve({ ok: false, status: 0, code: 'NETWORK', message: OFFLINE_MESSAGE }),
    );
    xhr.addEventListener('abort', () =>
      resolve({ ok: false, status: 0, code: 'ABORTED', message: 'The upload was cancelled.' }),
    );
    const form = new FormData();
    form.append('file', file, fileName);
    xhr.send(form);
  });
  return { result, abort: () => xhr.abort() };
}

/** What to tell the person when an upload failed (the file stays in the composer to retry). */
export function uploadErrorText(name: string, result: Extract<ApiResult<unknown>, { ok: false }>): string {
  switch (result.code) {
    case 'TOO_LARGE':
      return `“${name}” is too large to upload. ${result.message}`;
    case 'QUOTA_EXCEEDED':
      return `“${name}” was not uploaded: your storage is full. ${result.message}`;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return `“${name}” could not be uploaded: the server did not accept it. ${result.message}`;
    case 'NETWORK':
      return `“${name}” was not uploaded: the connection was lost. Try again.`;
    case 'RATE_LIMITED':
      return `“${name}” was not uploaded: too many uploads right now. Try again in a moment.`;
    default:
      return `“${name}” was not uploaded: ${result.message}`;
  }
}
