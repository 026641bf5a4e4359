import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.js';

/** The microversions this API serves; each later one adds to the earlier (DESIGN §3). */
export const MIN_VERSION = '1.0';
export const MAX_VERSION = '1.0';
const SERVICE = 'protector';

declare module 'fastify' {
  interface FastifyRequest {
    apiVersion: [number, number];
  }
}

const parse = (v: string): [number, number] | null => {
  const m = /^(\d+)\.(\d+)$/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : null;
};

const cmp = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];

/**
 * `OpenStack-API-Version: protector X.Y` (or `latest`) picks the behaviour; absent, the minimum.
 * Every answer says which version it followed and that it varies by the header.
 */
export function useMicroversions(app: FastifyInstance): void {
  const min = parse(MIN_VERSION) as [number, number];
  const max = parse(MAX_VERSION) as [number, number];
  app.decorateRequest('apiVersion', null as unknown as [number, number]);
  // A callback hook (a throw is Fastify's error path too): no promise per request for a check that waits for nothing.
  app.addHook('onRequest', (request, reply, done) => {
    request.apiVersion = min;
    reply.header('OpenStack-API-Version', `${SERVICE} ${MIN_VERSION}`);
    reply.header('Vary', 'OpenStack-API-Version');
    const header = request.headers['openstack-api-version'];
    if (typeof header !== 'string') return done();
    // The header may name several services; ours is the one that counts.
    const mine = header.split(',').map((s) => s.trim().split(/\s+/)).find(([svc]) => svc?.toLowerCase() === SERVICE);
    if (!mine) return done();
    const asked = mine[1] ?? '';
    const v = asked.toLowerCase() === 'latest' ? max : parse(asked);
    // The header is the caller's text: named, not repeated.
    if (!v) throw new ApiError(400, "Invalid OpenStack-API-Version header: expected 'protector X.Y' or 'protector latest'.");
    if (cmp(v, min) < 0 || cmp(v, max) > 0) {
      throw new ApiError(406, `Version ${asked} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`);
    }
    request.apiVersion = v;
    reply.header('OpenStack-API-Version', `${SERVICE} ${v[0]}.${v[1]}`);
    done();
  });
}
