import { ApiError } from './errors.js';

export interface Microversion {
  major: number;
  minor: number;
}

/** What a service accepts: `OpenStack-API-Version: <serviceType> X.Y` and its legacy header. */
export interface MicroversionSpec {
  serviceType: string;
  legacyHeader?: string;
  min: string;
  max: string;
  /** Echoed when the client asks for nothing (Nova and Cinder answer with their minimum). */
  default?: string;
}

export function parseVersion(s: string): Microversion | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(s.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

export const formatVersion = (v: Microversion) => `${v.major}.${v.minor}`;

export function compareVersions(a: Microversion, b: Microversion): number {
  return a.major - b.major || a.minor - b.minor;
}

const literals = new Map<string, Microversion>();

/** True when the request's negotiated version is at least `version` ("2.47"). Views ask this per item, so literals are parsed once. */
export function atLeast(v: Microversion, version: string): boolean {
  let other = literals.get(version);
  if (!other) {
    other = parseVersion(version);
    if (!other) throw new Error(`bad version literal ${version}`);
    literals.set(version, other);
  }
  return compareVersions(v, other) >= 0;
}

type Headers = Record<string, string | string[] | undefined>;

function headerValues(headers: Headers, name: string): string[] {
  const v = headers[name.toLowerCase()];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(','));
}

/**
 * Picks the version a request asks for, as nova.api.openstack.api_version_request does:
 * the standard header wins over the legacy one, "latest" means the maximum, a version outside
 * [min, max] is refused with 406.
 */
export function negotiate(headers: Headers, spec: MicroversionSpec): Microversion {
  const min = parseVersion(spec.min)!;
  const max = parseVersion(spec.max)!;
  let requested: string | undefined;
  for (const value of headerValues(headers, 'openstack-api-version')) {
    const [type, version] = value.trim().split(/\s+/);
    if (type?.toLowerCase() === spec.serviceType && version) requested = version;
  }
  if (requested === undefined && spec.legacyHeader) requested = headerValues(headers, spec.legacyHeader)[0]?.trim();
  if (requested === undefined) return parseVersion(spec.default ?? spec.min)!;
  if (requested.toLowerCase() === 'latest') return max;
  const v = parseVersion(requested);
  if (!v) {
    throw new ApiError(400, `API Version String ${requested} is of invalid format. Must be of format MajorNum.MinorNum.`);
  }
  if (compareVersions(v, min) < 0 || compareVersions(v, max) > 0) {
    throw new ApiError(
      406,
      `Version ${requested} is not supported by the API. Minimum is ${spec.min} and maximum is ${spec.max}.`,
    );
  }
  return v;
}

/** Response headers that echo the negotiated version. */
export function versionHeaders(v: Microversion, spec: MicroversionSpec): Record<string, string> {
  const headers: Record<string, string> = {
    'OpenStack-API-Version': `${spec.serviceType} ${formatVersion(v)}`,
    Vary: spec.legacyHeader ? `OpenStack-API-Version, ${spec.legacyHeader}` : 'OpenStack-API-Version',
  };
  if (spec.legacyHeader) headers[spec.legacyHeader] = formatVersion(v);
  return headers;
}
