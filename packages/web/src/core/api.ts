import { ERRORS, XLSX, type ErrorBody, type ErrorCode, type ErrorFields } from '@wangge/shared';
import type { Lang } from '../i18n/index.tsx';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | string,
    message: string,
    readonly fields?: ErrorFields,
  ) {
    super(message);
  }
}

export const UNAUTHENTICATED_EVENT = 'wangge:unauthenticated';

/** Calls the API with the session cookie; non-2xx answers become ApiError with the server's code. */
export async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return answer<T>(response, url);
}

/** The answer's JSON, or the server's error as ApiError (a lost session announced to the app). */
async function answer<T>(response: Response, url: string): Promise<T> {
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) throw failure(response, data, url);
  return data as T;
}

function failure(response: Response, data: unknown, url: string): ApiError {
  const err = (data as ErrorBody | null)?.error;
  const apiError = new ApiError(
    response.status,
    err?.code ?? 'INTERNAL',
    err?.message ?? response.statusText,
    err?.fields,
  );
  if (response.status === 401 && !url.endsWith('/auth/login')) {
    window.dispatchEvent(new CustomEvent(UNAUTHENTICATED_EVENT, { detail: apiError.code }));
  }
  return apiError;
}

export const get = <T>(url: string) => api<T>('GET', url);

/** Sends a file as the request body (ledger uploads); errors as `api` gives them. */
export async function upload<T>(url: string, file: Blob): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': XLSX },
    body: file,
  });
  return answer<T>(response, url);
}

/** Fetches a file (GET, or POST of an uploaded file) and saves it under `name`. */
export async function download(url: string, name: string, file?: Blob): Promise<void> {
  const response = await fetch(url, {
    method: file ? 'POST' : 'GET',
    credentials: 'same-origin',
    ...(file ? { headers: { 'content-type': XLSX }, body: file } : {}),
  });
  if (!response.ok) throw failure(response, await response.json().catch(() => null), url);
  const href = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
}

/** The message to show for an error, in the UI language (server messages are Chinese). */
export function errorText(err: unknown, lang: Lang): string {
  if (err instanceof ApiError) {
    if (lang === 'zh') return err.message;
    const known = (ERRORS as Record<string, { en: string }>)[err.code];
    return known ? known.en : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
