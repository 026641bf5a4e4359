import { ArrayError, type ArrayModel, type ConnectionType } from '@protector/arraysim';
import type { SiteHost } from '../host.js';

/** The seed file's `array:` section: set-up of the site's own array. */
export interface ArraySeed {
  array?: {
    /** Array connections from this site's array; the remote array is created if missing. */
    connections?: { remote: string; type?: ConnectionType; bandwidth?: number; latency_ms?: number }[];
    /** Fixed API tokens, so a storage driver's configuration can name them in advance. */
    api_tokens?: { user: string; token: string }[];
  };
}

/**
 * Connects the site's array and issues its API tokens; errors name the entry. Both sites of a
 * pair may list the same connection: whichever starts second finds it made and leaves it.
 */
export function seedArray(site: SiteHost, doc: ArraySeed): void {
  const { arrays, arrayName } = site;
  for (const c of doc.array?.connections ?? []) {
    const where = `array connection to '${String(c.remote)}'`;
    try {
      ensureArray(arrays, c.remote);
      if (arrays.listArrayConnections(arrayName).some((x) => x.name === c.remote)) continue;
      arrays.connectArrays(arrayName, c.remote, { type: c.type, bandwidth: c.bandwidth, latency_ms: c.latency_ms });
    } catch (err) {
      throw new Error(`seed ${where}: ${(err as Error).message}`, { cause: err });
    }
  }
  for (const t of doc.array?.api_tokens ?? []) {
    try {
      arrays.createApiToken(arrayName, t.user, t.token);
    } catch (err) {
      throw new Error(`seed array api token for '${String(t.user)}': ${(err as Error).message}`, { cause: err });
    }
  }
}

/**
 * Creates the array unless it exists: a site's own array on start, a seed's remote array. Another
 * process on the same array file may create it in between, which is as good.
 */
export function ensureArray(arrays: ArrayModel, name: string): void {
  if (arrays.listArrays().some((a) => a.name === name)) return;
  try {
    arrays.createArray(name);
  } catch (err) {
    if (!(err instanceof ArrayError && err.code === 'conflict')) throw err;
  }
}
