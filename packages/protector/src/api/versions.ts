import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_VERSION, MIN_VERSION } from './microversion.js';

const UPDATED = '2026-11-24T00:00:00Z';

function v1(request: FastifyRequest) {
  const host = request.headers.host ?? 'localhost';
  return {
    id: 'v1.0',
    status: 'CURRENT',
    version: MAX_VERSION,
    min_version: MIN_VERSION,
    updated: UPDATED,
    links: [{ rel: 'self', href: `${request.protocol}://${host}/v1/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.protector+json;version=1' }],
  };
}

/** Version discovery, as every OpenStack API serves it: no token needed. */
export function registerVersions(app: FastifyInstance): void {
  app.get('/', async (request) => ({ versions: [v1(request)] }));
  app.get('/v1', async (request) => ({ version: v1(request) }));
}
