// fetch() for the JSON API: one result shape for success, API errors and network trouble.

export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; code: string; message: string; retryAfterSeconds?: number };

export const OFFLINE_MESSAGE = 'Cannot reach the server. Check your connection and try again.';

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    return { ok: false, status: 0, code: 'NETWORK', message: OFFLINE_MESSAGE };
  }
  let json: unknown = null;
  if (res.status !== 204) {
    try {
      json = await res.json();
    } catch {
      json = null;
    }
  }
  if (res.ok) return { ok: true, status: res.status, data: json as T };
  return failure(res.status, json, res.headers.get('retry-after'));
}

/** The failed-result shape from a status, a parsed body (`{"error":{code,message}}`) and Retry-After. */
export function failure(
  status: number,
  json: unknown,
  retryAfter: string | null = null,
): Extract<ApiResult<never>, { ok: false }> {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const seconds = retryAfter !== null && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) : undefined;
  return {
    ok: false,
    status,
    code: typeof error?.code === 'string' ? error.code : `HTTP_${status}`,
    message: typeof error?.message === 'string' ? error.message : `Something went wrong (${status}).`,
    ...(seconds === undefined ? {} : { retryAfterSeconds: seconds }),
  };
}
