import type { FastifyInstance } from 'fastify';
import type { SiteHost } from '../../host.js';

export const MIN_MICROVERSION = '3.0';
/** The highest microversion whose request and response shapes cloudsim honours. */
export const MAX_MICROVERSION = '3.70';

/** Version discovery without a token: GET / answers 300 Multiple Choices as Cinder does, GET /v3 describes v3. */
export function registerVersionRoutes(app: FastifyInstance, site: SiteHost): void {
  const v3 = () => ({
    id: 'v3.0',
    status: 'CURRENT',
    version: MAX_MICROVERSION,
    min_version: MIN_MICROVERSION,
    updated: '2023-08-31T00:00:00Z',
    links: [
      { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
      { rel: 'self', href: `${site.url('cinder')}/v3/` },
    ],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
  });
  app.get('/', { config: { auth: false } }, async (_req, reply) => reply.code(300).send({ versions: [v3()] }));
  app.get('/v3', { config: { auth: false } }, async () => ({ versions: [v3()] }));
}
