import type { FastifyInstance } from 'fastify';
import { forbidden } from '../../http/errors.js';
import { hexId } from '../../ids.js';
import type { SiteHost } from '../../host.js';
import type { EndpointRecord, RegionRecord, ServiceRecord } from '../records.js';
import { applyFilters, duplicate, enforce, envelope, invalid, listBody, must, t, type IdParams, type Query } from './common.js';
import { views } from './views.js';

const serviceFields = { type: t.name, name: t.name, description: t.description, enabled: t.enabled };
const iface = { type: 'string', enum: ['public', 'internal', 'admin'] };
const endpointFields = { service_id: t.id, interface: iface, url: { type: 'string', minLength: 1, maxLength: 225 }, region_id: t.optId, region: t.optId, enabled: t.enabled };
const regionFields = { id: t.shortName, description: t.description, parent_region_id: t.optId };

interface ServiceBody {
  service: { type?: string; name?: string; description?: string | null; enabled?: boolean };
}
interface EndpointBody {
  endpoint: { service_id?: string; interface?: EndpointRecord['interface']; url?: string; region_id?: string | null; region?: string | null; enabled?: boolean };
}
interface RegionBody {
  region: { id?: string; description?: string | null; parent_region_id?: string | null };
}

/** /v3/services, /v3/endpoints and /v3/regions: what the catalog in every token is built from. */
export function registerCatalogRoutes(app: FastifyInstance, site: SiteHost): void {
  const ks = site.keystone;
  const v = views(site);
  const service = (id: string) => must(ks.services.get(id), 'service', id);
  const endpoint = (id: string) => must(ks.endpoints.get(id), 'endpoint', id);
  const region = (id: string) => must(ks.regions.get(id), 'region', id);
  const knownRegion = (id: string | null | undefined) => {
    if (id && !ks.regions.get(id)) throw invalid(`Could not find region: ${id}`);
  };

  // Services.
  app.get<{ Querystring: Query }>('/v3/services', async (req) => {
    enforce(req, 'identity:list_services');
    const docs = applyFilters(ks.services.list(), req.query, { type: (s: ServiceRecord) => s.type, name: (s: ServiceRecord) => s.name });
    return listBody(site, 'services', '/services', docs.map(v.service));
  });
  app.post<{ Body: ServiceBody }>('/v3/services', { schema: { body: envelope('service', serviceFields, { required: ['type'] }) } }, async (req, reply) => {
    enforce(req, 'identity:create_service');
    const b = req.body.service;
    const s = ks.services.insert({ id: hexId(), type: b.type!, name: b.name ?? '', description: b.description ?? '', enabled: b.enabled ?? true });
    reply.code(201);
    return { service: v.service(s) };
  });
  app.get<{ Params: IdParams }>('/v3/services/:id', async (req) => {
    enforce(req, 'identity:get_service');
    return { service: v.service(service(req.params.id)) };
  });
  app.patch<{ Params: IdParams; Body: ServiceBody }>('/v3/services/:id', { schema: { body: envelope('service', serviceFields, { minProperties: 1 }) } }, async (req) => {
    enforce(req, 'identity:update_service');
    const b = req.body.service;
    const s = ks.services.update(service(req.params.id).id, (x) => {
      if (b.type !== undefined) x.type = b.type;
      if (b.name !== undefined) x.name = b.name;
      if (b.description !== undefined) x.description = b.description ?? '';
      if (b.enabled !== undefined) x.enabled = b.enabled;
    })!;
    return { service: v.service(s) };
  });
  app.delete<{ Params: IdParams }>('/v3/services/:id', async (req, reply) => {
    enforce(req, 'identity:delete_service');
    const s = service(req.params.id);
    for (const e of ks.endpoints.list(undefined, s.id)) ks.endpoints.delete(e.id);
    ks.services.delete(s.id);
    reply.code(204).send();
  });

  // Endpoints.
  app.get<{ Querystring: Query }>('/v3/endpoints', async (req) => {
    enforce(req, 'identity:list_endpoints');
    const docs = applyFilters(ks.endpoints.list(), req.query, {
      service_id: (e: EndpointRecord) => e.service_id,
      interface: (e: EndpointRecord) => e.interface,
      region_id: (e: EndpointRecord) => e.region_id,
      enabled: (e: EndpointRecord) => e.enabled,
    });
    return listBody(site, 'endpoints', '/endpoints', docs.map(v.endpoint));
  });
  app.post<{ Body: EndpointBody }>(
    '/v3/endpoints',
    { schema: { body: envelope('endpoint', endpointFields, { required: ['service_id', 'interface', 'url'] }) } },
    async (req, reply) => {
      enforce(req, 'identity:create_endpoint');
      const b = req.body.endpoint;
      if (!ks.services.get(b.service_id!)) throw invalid(`Could not find service: ${b.service_id}`);
      const regionId = b.region_id ?? b.region ?? site.ctx.region;
      knownRegion(regionId);
      const e = ks.endpoints.insert({ id: hexId(), service_id: b.service_id!, interface: b.interface!, url: b.url!, region_id: regionId, enabled: b.enabled ?? true });
      reply.code(201);
      return { endpoint: v.endpoint(e) };
    },
  );
  app.get<{ Params: IdParams }>('/v3/endpoints/:id', async (req) => {
    enforce(req, 'identity:get_endpoint');
    return { endpoint: v.endpoint(endpoint(req.params.id)) };
  });
  app.patch<{ Params: IdParams; Body: EndpointBody }>(
    '/v3/endpoints/:id',
    { schema: { body: envelope('endpoint', endpointFields, { minProperties: 1 }) } },
    async (req) => {
      enforce(req, 'identity:update_endpoint');
      const b = req.body.endpoint;
      const current = endpoint(req.params.id);
      if (b.service_id !== undefined && !ks.services.get(b.service_id)) throw invalid(`Could not find service: ${b.service_id}`);
      const regionId = b.region_id ?? b.region ?? undefined;
      knownRegion(regionId);
      const e = ks.endpoints.update(current.id, (x) => {
        if (b.service_id !== undefined) x.service_id = b.service_id;
        if (b.interface !== undefined) x.interface = b.interface;
        if (b.url !== undefined) x.url = b.url;
        if (regionId) x.region_id = regionId;
        if (b.enabled !== undefined) x.enabled = b.enabled;
      })!;
      return { endpoint: v.endpoint(e) };
    },
  );
  app.delete<{ Params: IdParams }>('/v3/endpoints/:id', async (req, reply) => {
    enforce(req, 'identity:delete_endpoint');
    ks.endpoints.delete(endpoint(req.params.id).id);
    reply.code(204).send();
  });

  // Regions: any token may read them (identity:get_region and list_regions are open in Keystone).
  const createRegion = (id: string, b: RegionBody['region']) => {
    if (ks.regions.get(id)) throw duplicate('region', `ID ${id}`);
    knownRegion(b.parent_region_id);
    return ks.regions.insert({ id, description: b.description ?? '', parent_region_id: b.parent_region_id ?? null });
  };
  app.get<{ Querystring: Query }>('/v3/regions', async (req) => {
    const docs = applyFilters(ks.regions.list(), req.query, { parent_region_id: (r: RegionRecord) => r.parent_region_id });
    return listBody(site, 'regions', '/regions', docs.map(v.region));
  });
  app.post<{ Body: RegionBody }>('/v3/regions', { schema: { body: envelope('region', regionFields) } }, async (req, reply) => {
    enforce(req, 'identity:create_region');
    const r = createRegion(req.body.region.id ?? hexId(), req.body.region);
    reply.code(201);
    return { region: v.region(r) };
  });
  app.put<{ Params: IdParams; Body: RegionBody }>('/v3/regions/:id', { schema: { body: envelope('region', regionFields) } }, async (req, reply) => {
    enforce(req, 'identity:create_region');
    if (req.body.region.id !== undefined && req.body.region.id !== req.params.id) throw invalid('Conflicting region IDs specified.');
    const r = createRegion(req.params.id, req.body.region);
    reply.code(201);
    return { region: v.region(r) };
  });
  app.get<{ Params: IdParams }>('/v3/regions/:id', async (req) => ({ region: v.region(region(req.params.id)) }));
  app.patch<{ Params: IdParams; Body: RegionBody }>('/v3/regions/:id', { schema: { body: envelope('region', regionFields, { minProperties: 1 }) } }, async (req) => {
    enforce(req, 'identity:update_region');
    const b = req.body.region;
    const current = region(req.params.id);
    if (b.id !== undefined && b.id !== current.id) throw invalid('Update of `id` is not allowed.');
    knownRegion(b.parent_region_id);
    if (b.parent_region_id === current.id) throw invalid('Circular reference or a repeated entry found in region tree');
    const r = ks.regions.update(current.id, (x) => {
      if (b.description !== undefined) x.description = b.description ?? '';
      if (b.parent_region_id !== undefined) x.parent_region_id = b.parent_region_id;
    })!;
    return { region: v.region(r) };
  });
  app.delete<{ Params: IdParams }>('/v3/regions/:id', async (req, reply) => {
    enforce(req, 'identity:delete_region');
    const r = region(req.params.id);
    if (ks.regions.find((x) => x.parent_region_id === r.id) || ks.endpoints.find((e) => e.region_id === r.id)) {
      throw forbidden('Unable to delete region because it or its child regions have associated endpoints.');
    }
    ks.regions.delete(r.id);
    reply.code(204).send();
  });
}
