import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** One site of the pair as the dashboard reaches it: where its Keystone is, never anyone's credentials. */
export interface DashboardSite {
  /** The cloud name: what the pages call the site. */
  name: string;
  authUrl: string;
  region?: string;
  interface?: 'public' | 'internal' | 'admin';
  /** Protector's API, when not taken from the Keystone catalog (`protector_endpoint_override`, as the OpenStack client names overrides). */
  endpoint?: string;
}

/** A site pair config that cannot be used, saying why. */
export class SitePairError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SitePairError';
  }
}

/**
 * The two sites from a clouds.yaml-like file: the clouds named (or its first two), each with its
 * `auth.auth_url` and optional `region_name` and `interface`. Credentials in the file are never
 * read: every user logs in with their own.
 */
export function loadSitePair(file: string, names?: string[]): [DashboardSite, DashboardSite] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SitePairError(`cannot read the site pair from ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const clouds = (doc as { clouds?: Record<string, Record<string, unknown>> } | null)?.clouds;
  if (!clouds || typeof clouds !== 'object') throw new SitePairError(`${file} has no 'clouds' map`);
  const wanted = names && names.length > 0 ? names : Object.keys(clouds).slice(0, 2);
  if (wanted.length !== 2) throw new SitePairError(`the dashboard needs exactly two sites; ${file} names ${wanted.length === 0 ? 'none' : wanted.join(', ')}`);
  const site = (name: string): DashboardSite => {
    const c = clouds[name];
    if (!c) throw new SitePairError(`${file} has no cloud '${name}' (it has ${Object.keys(clouds).join(', ')})`);
    const authUrl = (c.auth as { auth_url?: unknown } | undefined)?.auth_url;
    if (typeof authUrl !== 'string' || authUrl === '') throw new SitePairError(`cloud '${name}' in ${file} has no auth.auth_url`);
    const iface = c.interface;
    if (iface !== undefined && iface !== 'public' && iface !== 'internal' && iface !== 'admin') throw new SitePairError(`cloud '${name}': interface must be public, internal or admin`);
    const endpoint = typeof c.protector_endpoint_override === 'string' ? c.protector_endpoint_override : undefined;
    return { name, authUrl, region: typeof c.region_name === 'string' ? c.region_name : undefined, interface: iface, endpoint };
  };
  const [a, b] = wanted as [string, string];
  if (a === b) throw new SitePairError(`the two sites must differ (both are '${a}')`);
  return [site(a), site(b)];
}
