import type { ApiErrorBody } from '../../../src/shared/api';

/** An answer of the dashboard's API that is not a success, with its code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onLoggedOut: () => void = () => {};

/** The session's CSRF token, sent on every change (the cookie alone never suffices). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server says the session ended (expired Keystone tokens, logout elsewhere). */
export function onSessionEnded(fn: () => void): void {
  onLoggedOut = fn;
}

/** One call to protector-dashboard's JSON API. */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = (data as Partial<ApiErrorBody> | null)?.error;
    if (res.status === 401 && path !== '/api/login') onLoggedOut();
    throw new ApiError(res.status, err?.code ?? 'error', err?.message ?? `${res.status} ${res.statusText}`);
  }
  return data as T;
}

export const get = <T>(path: string): Promise<T> => api<T>('GET', path);

/** A message for the page from any failure. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
