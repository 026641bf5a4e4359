import type { FastifyInstance } from 'fastify';
import { createServiceApp } from '../http/service.js';
import { keystoneFormat } from '../http/formats.js';
import type { SiteHost } from '../host.js';
import type { Fault } from './faults.js';
import { registerArrayRoutes } from './array.js';
import { registerGuestRoutes } from './guest.js';

/**
 * The simulator's own control API (not OpenStack): site info and fault switches. It has no
 * token check and listens on loopback only; it is how tests and the lab steer a site.
 */
export function createSimApp(site: SiteHost): FastifyInstance {
  const app = createServiceApp({ name: 'sim', errorFormat: keystoneFormat });

  app.get('/sim/info', async () => ({
    name: site.ctx.name,
    region: site.ctx.region,
    auth_url: site.authUrl,
    endpoints: Object.fromEntries(['keystone', 'nova', 'cinder', 'neutron', 'glance', 'sim', 'array'].map((s) => [s, site.url(s as 'sim')])),
    array: site.arrayName,
  }));

  app.get('/sim/faults', async () => ({ faults: site.faults.snapshot() }));

  app.put<{ Body: { service: string } & Partial<Fault> }>(
    '/sim/faults',
    {
      schema: {
        body: {
          type: 'object',
          required: ['service'],
          additionalProperties: false,
          properties: {
            service: { type: 'string', maxLength: 32 },
            down: { type: 'boolean' },
            error_rate: { type: 'number', minimum: 0, maximum: 1 },
            latency_ms: { type: 'integer', minimum: 0, maximum: 600000 },
          },
        },
      },
    },
    async (req) => {
      const { service, ...change } = req.body;
      await site.faults.set(service, change);
      return { faults: site.faults.snapshot() };
    },
  );

  app.delete('/sim/faults', async (_req, reply) => {
    await site.faults.clear();
    reply.code(204).send();
  });

  // Boot failures: servers created while a pattern matches their name fail to build (NoValidHost).
  app.get('/sim/faults/boot', async () => ({ boot_faults: site.faults.bootFaults() }));

  app.put<{ Body: { name_pattern: string; message?: string } }>(
    '/sim/faults/boot',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name_pattern'],
          additionalProperties: false,
          properties: {
            name_pattern: { type: 'string', minLength: 1, maxLength: 255 },
            message: { type: 'string', maxLength: 1024 },
          },
        },
      },
    },
    async (req) => {
      site.faults.failBoots(req.body.name_pattern, req.body.message);
      return { boot_faults: site.faults.bootFaults() };
    },
  );

  app.delete('/sim/faults/boot', async (_req, reply) => {
    site.faults.clearBoots();
    reply.code(204).send();
  });

  registerGuestRoutes(app, site);
  registerArrayRoutes(app, site);
  return app;
}
