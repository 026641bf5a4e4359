import type { CatalogEntry } from './keystone-types.js';

export type EndpointInterface = 'public' | 'internal' | 'admin';

/** The catalog has no endpoint the caller can use; a deployment problem, not a transient one. */
export class EndpointNotFoundError extends Error {
  constructor(types: readonly string[], iface: string, region?: string) {
    super(`no ${iface} endpoint for service type ${types.join(' or ')}${region ? ` in region ${region}` : ''} in the Keystone catalog`);
    this.name = 'EndpointNotFoundError';
  }
}

/**
 * The URL of the first service type (in order: Cinder is `block-storage`, older clouds only have
 * `volumev3`) with an endpoint on `iface` in `region` (any region when none is given).
 */
export function findEndpoint(catalog: readonly CatalogEntry[], types: readonly string[], iface: EndpointInterface, region?: string): string {
  for (const type of types) {
    for (const entry of catalog.filter((e) => e.type === type)) {
      const ep = entry.endpoints.find(
        (e) => (e.interface === iface || e.interface === `${iface}URL`) && (!region || e.region_id === region || e.region === region),
      );
      if (ep) return ep.url.replace(/\/+$/, '');
    }
  }
  throw new EndpointNotFoundError(types, iface, region);
}
