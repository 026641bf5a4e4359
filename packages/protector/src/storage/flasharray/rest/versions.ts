/**
 * REST version negotiation. An array lists the versions it serves at `GET /api/api_version`
 * (`{"version": ["1.0", …, "1.19", "2.0", …, "2.36"]}`, sometimes with a development entry such as
 * "2.DEV"); the client speaks the highest version both sides know, as pypureclient does.
 */
import { StorageError } from '../../errors.js';

/** The oldest REST version the adapter's requests and the answers it reads are written for. */
export const MIN_REST_VERSION = '2.4';
/** The version whose models (pypureclient FA_2_20) the adapter follows. */
export const MAX_REST_VERSION = '2.20';
/** Why older versions are refused; part of the refusal message. */
export const MIN_REST_VERSION_REASON =
  'the FlashArray adapter is written against the REST 2.x request and answer shapes of 2.4 and later, which older Purity//FA releases do not serve; upgrade Purity//FA on the array';

/** A parsed "major.minor" version. */
interface Version {
  major: number;
  minor: number;
}

/** "2.20" -> {2, 20}; anything else (e.g. "2.DEV", "2", "v2.1") -> null. */
export function parseVersion(v: string): Version | null {
  const m = /^(\d+)\.(\d+)$/.exec(v.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

/** Numeric order: 2.9 < 2.10. Unparseable versions ("2.DEV") sort last. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return (x ? 0 : 1) - (y ? 0 : 1);
  return x.major - y.major || x.minor - y.minor;
}

/** Every minor version from `from` to `to` of one major line: ('2.4', '2.20') -> 2.4, 2.5, …, 2.20. */
export function versionRange(from: string, to: string): string[] {
  const a = parseVersion(from);
  const b = parseVersion(to);
  if (!a || !b || a.major !== b.major || a.minor > b.minor) throw new Error(`bad version range ${from}..${to}`);
  return Array.from({ length: b.minor - a.minor + 1 }, (_, i) => `${a.major}.${a.minor + i}`);
}

/** The versions this client speaks unless told otherwise: MIN_REST_VERSION..MAX_REST_VERSION. */
export const CLIENT_REST_VERSIONS: readonly string[] = versionRange(MIN_REST_VERSION, MAX_REST_VERSION);

/**
 * A short rendering of a version list for messages: runs of consecutive minors collapse,
 * e.g. "1.0-1.19, 2.0-2.36, 2.DEV".
 */
export function describeVersions(versions: readonly string[]): string {
  if (versions.length === 0) return '(none)';
  const parsed = [...new Set(versions)].sort(compareVersions);
  const out: string[] = [];
  let runStart: string | null = null;
  let prev: string | null = null;
  const flush = (): void => {
    if (runStart !== null && prev !== null) out.push(runStart === prev ? runStart : `${runStart}-${prev}`);
    runStart = prev = null;
  };
  for (const v of parsed) {
    const p = parseVersion(v);
    const q = prev === null ? null : parseVersion(prev);
    if (!p) {
      flush();
      out.push(v);
      continue;
    }
    if (q && q.major === p.major && q.minor + 1 === p.minor) {
      prev = v;
      continue;
    }
    flush();
    runStart = prev = v;
  }
  flush();
  return out.join(', ');
}

/**
 * The highest version offered by the array (`offered`, as listed by /api/api_version) that the
 * client speaks (`spoken`) and that is at least `minimum`. Throws StorageError 'invalid', naming
 * both lists, the minimum and why, when there is none.
 */
export function negotiateVersion(
  array: string,
  offered: readonly string[],
  spoken: readonly string[] = CLIENT_REST_VERSIONS,
  minimum: string = MIN_REST_VERSION,
): string {
  const mine = new Set(spoken.filter((v) => parseVersion(v) !== null && compareVersions(v, minimum) >= 0));
  const common = offered.filter((v) => mine.has(v.trim())).sort(compareVersions);
  const best = common.at(-1);
  if (best !== undefined) return best.trim();
  const newestOffered = [...offered].filter((v) => parseVersion(v)).sort(compareVersions).at(-1);
  const why =
    newestOffered !== undefined && compareVersions(newestOffered, minimum) < 0
      ? `the array's newest is ${newestOffered}, older than the minimum ${minimum}: ${MIN_REST_VERSION_REASON}`
      : `none of them is one this client speaks (minimum ${minimum}: ${MIN_REST_VERSION_REASON})`;
  throw new StorageError(
    'invalid',
    `array '${array}': no common FlashArray REST version: the array offers ${describeVersions(offered)}; ` +
      `this client speaks ${describeVersions([...mine])}; ${why}.`,
  );
}
