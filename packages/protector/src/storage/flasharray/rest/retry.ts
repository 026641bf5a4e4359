/**
 * When a call to an array is sent again, and after how long.
 *
 * The rule is that a request is repeated only when repeating it cannot do something twice:
 *
 * - GET, PATCH and DELETE are idempotent on FlashArray (a PATCH sets values, it does not add to
 *   them; a DELETE of something already gone answers 400 "does not exist", which the adapter
 *   treats as done). They are retried on connection errors, timeouts and 5xx other than 500/501,
 *   up to `retries` times with exponential back-off (`retryDelayMs` × 2^n, at most 30 s).
 *   A PATCH that renames is the one exception in spirit: a retry after it took effect answers
 *   "does not exist" for the old name; the adapter checks for the new name (as it must after
 *   any lost answer anyway).
 * - POST creates things (volumes, snapshots, protection groups, sessions) and is retried only
 *   when the request certainly did not reach the array: the connection was refused or never
 *   made, the TLS handshake did not complete, or the array answered 503 (it served nothing) or
 *   429 (rate limited before doing anything). A POST that may have reached the array (a timeout
 *   or reset after the request was sent, a 502/504 from whatever answered in front of the
 *   array's REST service) is NOT sent again: the call fails 'unreachable' saying so, and the
 *   adapter, whose methods are idempotent, finds on its next attempt what the earlier one
 *   created (names derive from the operation, and snapshots carry a suffix key). Non-idempotent
 *   POSTs go over a fresh connection rather than a pooled keep-alive one, so a connection the
 *   array closed while idle cannot make a POST look maybe-sent. Login is a POST that is safe to
 *   repeat (a second session is harmless and expires), so it is retried like a GET.
 * - 500 is not retried: FlashArray answers it for an internal error that a retry of the same
 *   request does not change (pypureclient does not retry it either), and retrying a POST that
 *   hit one could repeat a half-done change. 501 (not implemented) never changes.
 * - 4xx are never retried, except 401 (once, after logging in again: the array ends idle
 *   sessions after 30 minutes, and a restarted array has none) and 429.
 * - 429: wait `Retry-After` seconds (or until its date) when given, but at least 1 s; otherwise
 *   60 s when X-RateLimit-Remaining-minute is 0 (the per-minute quota is spent) and 1 s otherwise
 *   (the per-second one). The waits of one
 *   call add up to at most `maxRateLimitWaitMs`; a wait that would pass it fails the call
 *   'unreachable' at once. 429 waits do not use up `retries`.
 * - A certificate the client does not trust is never retried: it will not change by itself.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Methods whose repetition has the same effect as one call. */
export function isIdempotentMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'PATCH' || method === 'DELETE' || method === 'PUT';
}

/** Longest single back-off wait. */
export const MAX_BACKOFF_MS = 30_000;

/** The wait before retry number `n` (0 for the first retry). */
export function backoffMs(baseMs: number, n: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** n);
}

/** Whether an answer with this status is sent again (within `retries`). */
export function isRetryableStatus(status: number, idempotent: boolean): boolean {
  if (status === 503) return true;
  if (!idempotent) return false;
  return status >= 502 && status <= 599;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** Shortest wait after a 429, so that a `Retry-After: 0` (or a date in the past) cannot make a call spin. */
export const MIN_RATE_LIMIT_WAIT_MS = 1_000;

/** How long to wait after a 429 answer with these headers (at least MIN_RATE_LIMIT_WAIT_MS). */
export function rateLimitWaitMs(headers: IncomingHttpHeaders, now: number = Date.now()): number {
  const retryAfter = header(headers, 'retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.max(MIN_RATE_LIMIT_WAIT_MS, Math.ceil(Number(retryAfter) * 1000));
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(MIN_RATE_LIMIT_WAIT_MS, at - now);
  }
  const remainingMinute = header(headers, 'x-ratelimit-remaining-minute');
  if (remainingMinute !== undefined && Number(remainingMinute.trim()) === 0) return 60_000;
  return 1_000;
}
