/**
 * Secret scrubbing for log records. pino's `redact` paths catch the known places (headers,
 * top-level and shallow keys); this module is the fallback for what paths cannot reach: keys at
 * any depth, Error messages, and free text such as an upstream error body echoed into a message.
 */

export const REDACTED = '[REDACTED]';

/** Keys (compared lower-case) whose values are never logged, wherever they appear. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'password',
  'secret',
  'token',
  'api_token',
  'credentials',
  'secret_key',
  'auth_token',
  'x-auth-token',
  'x-subject-token',
  'x-service-token',
  'x-peer-auth-token',
  'authorization',
  'api-token',
  'cookie',
  'set-cookie',
]);

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

// Keystone Fernet tokens are url-safe base64 of a payload starting with version byte 0x80.
const FERNET = /gAAAAA[A-Za-z0-9_=-]{20,}/g;
// `password=…`, `token: …`, `X-Auth-Token: …` up to a separator; covers query strings and headers.
// Unquoted values stop at quotes and backslashes so that, run over a JSON log line, a match
// never runs past the end of the JSON string it sits in.
const KEY_VALUE =
  /\b(password|passwd|secret|secret_key|token|api_token|auth_token|credentials|x-auth-token|x-subject-token|x-service-token|x-peer-auth-token|api-token)(\s*[=:]\s*)(?:"[^"]*"|'[^']*'|[^\s&;,"'\\]+)/gi;
// JSON or Python-repr fragments: "password": "…" / 'password': '…'.
const QUOTED =
  /(["'])(password|passwd|secret|secret_key|token|api_token|auth_token|credentials|x-auth-token|x-subject-token|api-token)\1(\s*:\s*)(["'])(?:\\.|(?!\4).)*\4/gi;
// Authorization headers written as text, including the scheme ("Bearer xyz", "Basic xyz").
const AUTHORIZATION = /\b(authorization)(\s*[=:]\s*)(?:(?:Bearer|Basic|Token)\s+)?[^\s&;,"'\\]+/gi;
// Credentials inside URLs (transport_url, database connection): scheme://user:PASSWORD@host.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s"'\\]*:)[^@\s/"'\\]+@/gi;

/** Removes tokens, passwords and URL credentials from free text. */
export function redactText(text: string): string {
  return text
    .replace(QUOTED, (_m, q: string, key: string, sep: string, vq: string) => `${q}${key}${q}${sep}${vq}${REDACTED}${vq}`)
    .replace(AUTHORIZATION, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`)
    .replace(KEY_VALUE, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`)
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(FERNET, REDACTED);
}

/** What an Error becomes in a log record: no prototype, no stack frames beyond what it says. */
export interface ScrubbedError {
  type: string;
  message: string;
  stack?: string;
  code?: unknown;
  cause?: unknown;
}

const MAX_DEPTH = 12;

/**
 * Returns a copy of `value` with every secret key's value replaced and every string passed
 * through redactText. Never mutates the input: callers log objects they keep using.
 */
export function scrubValue(value: unknown): unknown {
  return scrub(value, 0, new WeakSet());
}

function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (value instanceof Error) return scrubError(value, depth, seen);
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
    if (value instanceof Map) return scrub(Object.fromEntries(value), depth, seen);
    // Class instances (a Fastify request, a Buffer, a Date) are left to their serializers; the
    // line-level pass in logger.ts still catches secrets in whatever they turn into.
    if (!isPlainObject(value)) return value;
    const source = value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(source)) {
      out[k] = isSecretKey(k) ? REDACTED : scrub(v, depth + 1, seen);
    }
    return out;
  } finally {
    // Only cycles are circular; the same object twice in siblings is fine.
    seen.delete(value);
  }
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function scrubError(err: Error, depth: number, seen: WeakSet<object>): ScrubbedError {
  const out: ScrubbedError = { type: err.name || err.constructor.name, message: redactText(err.message) };
  if (err.stack) out.stack = redactText(err.stack);
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) out.code = scrub(code, depth + 1, seen);
  if (err.cause !== undefined) out.cause = scrub(err.cause, depth + 1, seen);
  return out;
}
