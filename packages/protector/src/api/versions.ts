import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { VersionRoutes, type VersionDocument } from '@protector/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_VERSION, MIN_VERSION } from './microversion.js';

const UPDATED = '2026-11-24T00:00:00Z';

function v1(request: FastifyRequest): VersionDocument {
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
export function registerVersions(api: FastifyInstance): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/', { schema: VersionRoutes.list }, async (request) => ({ versions: [v1(request)] }));
  app.get('/v1', { schema: VersionRoutes.show }, async (request) => ({ version: v1(request) }));
}
