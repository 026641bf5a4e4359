/**
 * How a FlashArray REST answer becomes a StorageError. FlashArray answers 400 for nearly every
 * refused request (an object that does not exist, one that already exists, a bad value, a wrong
 * state) with `{"errors": [{"context": "<object or field>", "message": "…"}]}`; only the message
 * tells them apart. The phrases below are the ones Purity//FA uses (and Cinder's Pure driver
 * matches on: "does not exist", "already exists", "has been destroyed", …).
 */
import { StorageError, type StorageErrorCode } from '../../errors.js';

/** One entry of a FlashArray error body. */
export interface ArrayErrorItem {
  context?: string;
  message: string;
}

/** The object named does not exist (only on 400: a 404 is an unknown endpoint, never a missing object). */
const NOT_FOUND = [/\bdoes not exist\b/i, /\bnot found\b/i, /\bcould not be found\b/i, /\bno such\b/i];

/** The object is already there or in a state that forbids the call. */
const CONFLICT = [
  /\balready exists?\b/i,
  /\balready (?:a )?members?\b/i,
  /\balready (?:in|includes|belongs|allowed|connected|stretched)\b/i,
  /\bpending eradication\b/i,
  /\bhas been destroyed\b/i,
  /\bis (?:already )?destroyed\b/i,
  /\bmust be destroyed\b/i,
  /\bis not destroyed\b/i,
  /\bnot finished transferring\b/i,
];

/**
 * The StorageError code for an HTTP status and the array's error messages. The one place these
 * rules live; the REST adapter may call it on messages it gets back from the session.
 *
 * - 400 with a message saying the object does not exist ("does not exist", "not found", "could
 *   not be found", "no such") -> 'not_found'; saying it already exists, is already a member, is
 *   pending eradication / destroyed or otherwise in a state that forbids the call -> 'conflict';
 *   any other 400 -> 'failed'. The not_found phrases win over the conflict ones.
 * - 409 -> 'conflict' (FlashArray uses 400, but an HTTP conflict means the same thing).
 * - 401 (the session after one re-login, or the API token at login) and 403 (the token's user may
 *   not do this) -> 'invalid': retrying cannot help, the configuration must change.
 * - 3xx -> 'invalid': redirects are not followed; the management address is not the array's.
 * - 429 (once its wait budget is spent), 502, 503, 504 and other 5xx -> 'unreachable'.
 * - 500 and 501 -> 'failed': a definitive internal error or an unsupported call; retrying the
 *   same request does not change the answer.
 * - Any other status (404 unknown endpoint, 405, 413, 422, …) -> 'failed'.
 */
export function classifyArrayError(status: number, messages: readonly string[]): StorageErrorCode {
  if (status === 400) {
    if (messages.some((m) => NOT_FOUND.some((re) => re.test(m)))) return 'not_found';
    if (messages.some((m) => CONFLICT.some((re) => re.test(m)))) return 'conflict';
    return 'failed';
  }
  if (status === 409) return 'conflict';
  if (status === 401 || status === 403) return 'invalid';
  if (status >= 300 && status < 400) return 'invalid';
  if (status === 429) return 'unreachable';
  if (status === 500 || status === 501) return 'failed';
  if (status >= 500 && status < 600) return 'unreachable';
  return 'failed';
}

/** A FlashArray REST call that failed: what was asked, what the array answered (null: no answer). */
export class ArrayCallError extends StorageError {
  constructor(
    code: StorageErrorCode,
    message: string,
    readonly status: number | null,
    readonly method: string,
    /** The request path without query, e.g. `/api/2.20/volumes`. */
    readonly path: string,
    /** The array's error entries (empty when it answered none). */
    readonly errors: ArrayErrorItem[],
    /** The X-Request-ID the call was sent with, to find it in the array's logs. */
    readonly requestId: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'ArrayCallError';
  }
}

/** "pg1: Protection group already exists." for each entry, joined with "; ". */
export function describeArrayErrors(errors: readonly ArrayErrorItem[]): string {
  return errors
    .map((e) => {
      const msg = e.message.trim();
      return e.context && e.context.trim() !== '' ? `${e.context.trim()}: ${msg}` : msg;
    })
    .join('; ');
}

/** The first `n` characters of a body, on one line, for messages about answers that are not JSON. */
export function snippet(text: string, n = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n)}…` : flat;
}

/**
 * The array's error entries from an error answer's body: FlashArray's `{"errors": [...]}`, or,
 * for a body that is not that (a proxy's HTML page, plain text), its first 200 characters.
 */
export function parseErrorBody(text: string): ArrayErrorItem[] {
  if (text.trim() === '') return [];
  try {
    const body = JSON.parse(text) as unknown;
    const list = (body as { errors?: unknown } | null)?.errors;
    if (Array.isArray(list)) {
      const items = list
        .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
        .map((e) => ({
          ...(typeof e.context === 'string' && e.context !== '' ? { context: e.context } : {}),
          message: typeof e.message === 'string' ? e.message : JSON.stringify(e),
        }));
      if (items.length > 0) return items;
    }
    return [{ message: snippet(text) }];
  } catch {
    return [{ message: `(not JSON) ${snippet(text)}` }];
  }
}

/** Replaces every occurrence of the given secrets (API token, session tokens) in `text` with '***'. */
export function redact(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}
