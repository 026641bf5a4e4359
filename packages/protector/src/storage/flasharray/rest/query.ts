/**
 * Query strings as FlashArray REST 2.x takes them: one parameter each, lists comma-separated
 * (`names=v1,v2`), booleans as `true`/`false`.
 */
import { StorageError } from '../../errors.js';

/** Query parameters of a call; undefined ones are left out, arrays are joined with ','. */
export type Query = Record<string, string | number | boolean | string[] | undefined>;

/** Parameters never shown in messages: opaque paging tokens and anything that looks like a secret. */
const HIDDEN = /token|secret|password|passphrase/i;

function value(array: string, name: string, v: string | number | boolean | string[]): string {
  if (Array.isArray(v)) {
    // An empty list would silently widen the call (GET volumes?names= lists every volume on some
    // versions, and is refused on others), so it is a caller's mistake, refused here.
    if (v.length === 0) throw new StorageError('invalid', `array '${array}': query parameter '${name}' is an empty list`);
    return v.join(',');
  }
  if (typeof v === 'number' && !Number.isFinite(v)) {
    throw new StorageError('invalid', `array '${array}': query parameter '${name}' is not a finite number`);
  }
  return String(v);
}

/** The encoded query string, without '?', or '' when there are no parameters. */
export function encodeQuery(array: string, query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(value(array, k, v))}`);
  }
  return parts.join('&');
}

/**
 * The query as shown in messages, e.g. "names=pg1&overwrite=true": unencoded, paging tokens and
 * secret-looking parameters left out, cut at 200 characters. '' when nothing is left to show.
 */
export function describeQuery(query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || HIDDEN.test(k)) continue;
    parts.push(`${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  }
  const s = parts.join('&');
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
