import type { FastifyInstance } from 'fastify';
import type { SiteHost } from '../../host.js';

const VERSIONS: [string, string][] = [
  ['v2.16', 'CURRENT'],
  ['v2.15', 'SUPPORTED'],
  ['v2.9', 'SUPPORTED'],
  ['v2.7', 'SUPPORTED'],
  ['v2.6', 'SUPPORTED'],
  ['v2.5', 'SUPPORTED'],
  ['v2.4', 'SUPPORTED'],
  ['v2.3', 'SUPPORTED'],
  ['v2.2', 'SUPPORTED'],
  ['v2.1', 'SUPPORTED'],
  ['v2.0', 'SUPPORTED'],
];

/** Version discovery: Glance answers 300 Multiple Choices at / and /versions. */
export function registerVersionRoutes(app: FastifyInstance, site: SiteHost): void {
  const body = () => ({
    versions: VERSIONS.map(([id, status]) => ({ id, status, links: [{ rel: 'self', href: `${site.url('glance')}/v2/` }] })),
  });
  app.get('/', { config: { auth: false } }, async (_req, reply) => reply.code(300).send(body()));
  app.get('/versions', { config: { auth: false } }, async () => body());
}
