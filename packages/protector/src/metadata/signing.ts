import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * What the two sites of a pair do with their shared pairing secret (DESIGN §5.6): sign the facts
 * their engines established (HMAC-SHA256 over a canonical JSON form), and seal what a tenant must
 * not read but the peer needs (the trust ids) with AES-256-GCM. Each use has its own key, derived
 * from the secret with HKDF, so a signature can never be replayed as a ciphertext or the reverse.
 */

const SIGNATURE_PREFIX = 'hmac-sha256:';
const SEALED_PREFIX = 'aes-256-gcm:';

const key = (secret: string, purpose: 'facts' | 'sealed'): Buffer => Buffer.from(hkdfSync('sha256', secret, 'protector-pairing-v1', purpose, 32));

/** JSON with object keys sorted at every level and `undefined` members left out: the same bytes on both sites. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sign(secret: string, payload: unknown): string {
  return SIGNATURE_PREFIX + createHmac('sha256', key(secret, 'facts')).update(canonicalJson(payload)).digest('hex');
}

/** Whether `signature` was made over `payload` with one of `secrets` (the current one or the one before a rotation). */
export function verify(secrets: readonly string[], payload: unknown, signature: string): boolean {
  const given = Buffer.from(signature);
  return secrets.some((s) => {
    const want = Buffer.from(sign(s, payload));
    return want.length === given.length && timingSafeEqual(want, given);
  });
}

export function seal(secret: string, value: unknown): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key(secret, 'sealed'), iv);
  const data = Buffer.concat([c.update(JSON.stringify(value), 'utf8'), c.final()]);
  return SEALED_PREFIX + Buffer.concat([iv, c.getAuthTag(), data]).toString('base64url');
}

/** The sealed value, or undefined when no secret opens it (tampered, or sealed under another pairing). */
export function unseal<T>(secrets: readonly string[], sealed: string): T | undefined {
  if (!sealed.startsWith(SEALED_PREFIX)) return undefined;
  const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
  if (raw.length < 29) return undefined;
  for (const s of secrets) {
    try {
      const d = createDecipheriv('aes-256-gcm', key(s, 'sealed'), raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')) as T;
    } catch {
      // Not this secret: try the next one.
    }
  }
  return undefined;
}
