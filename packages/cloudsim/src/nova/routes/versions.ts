import type { FastifyInstance } from 'fastify';
import type { SiteHost } from '../../host.js';

export const MIN_MICROVERSION = '2.1';
/** The highest microversion whose request and response shapes cloudsim honours. */
export const MAX_MICROVERSION = '2.90';

/** Version discovery: GET / lists v2.0 and v2.1; GET /v2.1 describes v2.1. No token needed. */
export function registerVersionRoutes(app: FastifyInstance, site: SiteHost): void {
  const v21 = () => ({
    id: 'v2.1',
    status: 'CURRENT',
    version: MAX_MICROVERSION,
    min_version: MIN_MICROVERSION,
    updated: '2013-07-23T11:33:21Z',
    links: [{ rel: 'self', href: `${site.url('nova')}/v2.1/` }],
  });
  const v20 = () => ({
    id: 'v2.0',
    status: 'SUPPORTED',
    version: '',
    min_version: '',
    updated: '2011-01-21T11:33:21Z',
    links: [{ rel: 'self', href: `${site.url('nova')}/v2/` }],
  });
  const detail = (v: ReturnType<typeof v21>, type: string) => ({
    ...v,
    links: [...v.links, { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' }],
    'media-types': [{ base: 'application/json', type }],
  });
  app.get('/', { config: { auth: false } }, async () => ({ versions: [v20(), v21()] }));
  app.get('/v2.1', { config: { auth: false } }, async () => ({ version: detail(v21(), 'application/vnd.openstack.compute+json;version=2.1') }));
}
