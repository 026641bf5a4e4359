import type { FastifyInstance } from 'fastify';
import type { SiteHost } from '../../host.js';

/** Version discovery at / (300 Multiple Choices) and /v3. */
export function registerVersionRoutes(app: FastifyInstance, site: SiteHost): void {
  const v3 = () => ({
    id: 'v3.14',
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${site.url('keystone')}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  });
  app.get('/', { config: { auth: false } }, async (_req, reply) => reply.code(300).send({ versions: { values: [v3()] } }));
  app.get('/v3', { config: { auth: false } }, async () => ({ version: v3() }));
}
