import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { atLeast, type Microversion } from '../../http/microversion.js';
import type { SiteHost } from '../../host.js';
import { resourceLinks } from '../links.js';
import type { FlavorRecord } from '../records.js';
import { caller, nextLink, paginate, requireAdmin, schemas } from './common.js';

function flavorView(root: string, f: FlavorRecord, mv: Microversion, detail: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = { id: f.id, name: f.name, links: resourceLinks(root, 'flavors', f.id) };
  if (atLeast(mv, '2.55')) view.description = f.description;
  if (!detail) return view;
  Object.assign(view, {
    ram: f.ram,
    disk: f.disk,
    vcpus: f.vcpus,
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeral,
    'OS-FLV-DISABLED:disabled': false,
    // Before 2.75 a flavor without swap showed "".
    swap: f.swap === 0 && !atLeast(mv, '2.75') ? '' : f.swap,
    rxtx_factor: f.rxtx_factor,
    'os-flavor-access:is_public': f.is_public,
  });
  if (atLeast(mv, '2.61')) view.extra_specs = f.extra_specs;
  return view;
}

const flavorParams = { params: { type: 'object', properties: { id: schemas.id, key: schemas.id } } } as const;
type FlavorParams = { Params: { id: string; key?: string } };
type ListQuery = { limit?: number; marker?: string; is_public?: string; minRam?: number; minDisk?: number; sort_key?: string; sort_dir?: string };

const specsSchema = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'], maxLength: 255 }, propertyNames: { minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-_:. ]+$' } } as const;

/** /flavors, os-flavor-access and os-extra_specs; writes are admin-only. */
export function registerFlavorRoutes(app: FastifyInstance, site: SiteHost): void {
  const nova = site.nova;
  const root = () => site.url('nova');

  const visible = (req: FastifyRequest, id: string): FlavorRecord => {
    const auth = caller(req);
    const f = nova.getFlavor(id);
    if (!f || !nova.flavorVisible(f, auth.projectId, auth.isAdmin)) throw notFound(`Flavor ${id} could not be found.`);
    return f;
  };

  const list = (req: FastifyRequest<{ Querystring: ListQuery }>, detail: boolean) => {
    const auth = caller(req);
    const q = req.query;
    // is_public: default true; "none" (admins) lists all; non-admins also see flavors shared with them.
    const pub = (q.is_public ?? 'true').toLowerCase();
    let flavors = nova.flavors.list((f) => {
      if (pub === 'none') return nova.flavorVisible(f, auth.projectId, auth.isAdmin);
      const wantPublic = !['false', '0', 'no', 'f'].includes(pub);
      if (auth.isAdmin) return f.is_public === wantPublic;
      return wantPublic ? nova.flavorVisible(f, auth.projectId, false) : !f.is_public && nova.flavorVisible(f, auth.projectId, false);
    });
    if (q.minRam !== undefined) flavors = flavors.filter((f) => f.ram >= q.minRam!);
    if (q.minDisk !== undefined) flavors = flavors.filter((f) => f.disk >= q.minDisk!);
    const key = (q.sort_key ?? 'flavorid') as keyof FlavorRecord | 'flavorid' | 'memory_mb' | 'root_gb';
    const field: keyof FlavorRecord = key === 'flavorid' ? 'id' : key === 'memory_mb' ? 'ram' : key === 'root_gb' ? 'disk' : key;
    const dir = q.sort_dir === 'desc' ? -1 : 1;
    flavors.sort((a, b) => (String(a[field]).localeCompare(String(b[field]), undefined, { numeric: true })) * dir);
    const path = detail ? 'flavors/detail' : 'flavors';
    const { page, links } = paginate(flavors, q, (f) => f.id, (m) => nextLink(`${root()}/v2.1/${path}`, q, m));
    const body: Record<string, unknown> = { flavors: page.map((f) => flavorView(root(), f, req.microversion, detail)) };
    if (links) body.flavors_links = links;
    return body;
  };

  const listSchema = {
    querystring: {
      type: 'object',
      properties: {
        limit: schemas.limit,
        marker: schemas.marker,
        is_public: { type: 'string', maxLength: 16 },
        minRam: { type: 'integer', minimum: 0 },
        minDisk: { type: 'integer', minimum: 0 },
        sort_key: { enum: ['created_at', 'description', 'disabled', 'ephemeral_gb', 'flavorid', 'id', 'is_public', 'memory_mb', 'name', 'root_gb', 'rxtx_factor', 'swap', 'updated_at', 'vcpu_weight', 'vcpus'] },
        sort_dir: { enum: ['asc', 'desc'] },
      },
    },
  } as const;
  app.get<{ Querystring: ListQuery }>('/v2.1/flavors', { schema: listSchema }, async (req) => list(req, false));
  app.get<{ Querystring: ListQuery }>('/v2.1/flavors/detail', { schema: listSchema }, async (req) => list(req, true));

  app.get<FlavorParams>('/v2.1/flavors/:id', { schema: flavorParams }, async (req) => ({
    flavor: flavorView(root(), visible(req, req.params.id), req.microversion, true),
  }));

  type CreateBody = { flavor: { name: string; ram: number | string; vcpus: number | string; disk: number | string; id?: string | null; swap?: number | string; 'OS-FLV-EXT-DATA:ephemeral'?: number | string; rxtx_factor?: number | string; 'os-flavor-access:is_public'?: boolean | string; description?: string | null } };
  const num = (min: number, integer = true) => ({ type: [integer ? 'integer' : 'number', 'string'], pattern: integer ? '^[0-9]+$' : '^[0-9.]+$', minimum: min, maximum: 2147483647 });
  app.post<{ Body: CreateBody }>(
    '/v2.1/flavors',
    {
      schema: {
        body: {
          type: 'object',
          required: ['flavor'],
          additionalProperties: false,
          properties: {
            flavor: {
              type: 'object',
              required: ['name', 'ram', 'vcpus', 'disk'],
              additionalProperties: false,
              properties: {
                name: { ...schemas.name, pattern: '^\\S(.*\\S)?$' },
                id: { type: ['string', 'null'], minLength: 1, maxLength: 255, pattern: '^(?! )[a-zA-Z0-9. _-]+(?<! )$' },
                ram: num(1),
                vcpus: num(1),
                disk: num(0),
                swap: num(0),
                'OS-FLV-EXT-DATA:ephemeral': num(0),
                rxtx_factor: num(0, false),
                'os-flavor-access:is_public': { type: ['boolean', 'string'] },
                description: { type: ['string', 'null'], maxLength: 65535 },
              },
            },
          },
        },
      },
    },
    async (req) => {
      requireAdmin(req, 'os_compute_api:os-flavor-manage:create');
      const b = req.body.flavor;
      if (b.description !== undefined && !atLeast(req.microversion, '2.55')) {
        throw badRequest(`Invalid input for field/attribute flavor. Additional properties are not allowed ('description' was unexpected)`);
      }
      const isPublic = b['os-flavor-access:is_public'];
      const f = nova.createFlavor({
        name: b.name,
        ram: Number(b.ram),
        vcpus: Number(b.vcpus),
        disk: Number(b.disk),
        ...(b.id ? { id: b.id } : {}),
        swap: Number(b.swap ?? 0),
        ephemeral: Number(b['OS-FLV-EXT-DATA:ephemeral'] ?? 0),
        rxtx_factor: Number(b.rxtx_factor ?? 1),
        is_public: isPublic === undefined ? true : typeof isPublic === 'boolean' ? isPublic : ['true', '1', 't', 'yes'].includes(isPublic.toLowerCase()),
        description: b.description ?? null,
      });
      return { flavor: flavorView(root(), f, req.microversion, true) };
    },
  );

  app.delete<FlavorParams>('/v2.1/flavors/:id', { schema: flavorParams }, async (req, reply) => {
    requireAdmin(req, 'os_compute_api:os-flavor-manage:delete');
    if (!nova.flavors.delete(req.params.id)) throw notFound(`Flavor ${req.params.id} could not be found.`);
    reply.code(202).send();
  });

  // --- os-flavor-access ---
  const accessList = (f: FlavorRecord) => ({ flavor_access: f.access.map((p) => ({ flavor_id: f.id, tenant_id: p })) });
  app.get<FlavorParams>('/v2.1/flavors/:id/os-flavor-access', { schema: flavorParams }, async (req) => {
    requireAdmin(req, 'os_compute_api:os-flavor-access');
    const f = visible(req, req.params.id);
    if (f.is_public) throw notFound('Access list not available for public flavors.');
    return accessList(f);
  });
  app.post<FlavorParams & { Body: { addTenantAccess?: { tenant: string }; removeTenantAccess?: { tenant: string } } }>(
    '/v2.1/flavors/:id/action',
    {
      schema: {
        ...flavorParams,
        body: {
          type: 'object',
          minProperties: 1,
          maxProperties: 1,
          additionalProperties: false,
          properties: {
            addTenantAccess: { type: 'object', required: ['tenant'], additionalProperties: false, properties: { tenant: schemas.id } },
            removeTenantAccess: { type: 'object', required: ['tenant'], additionalProperties: false, properties: { tenant: schemas.id } },
          },
        },
      },
    },
    async (req) => {
      const add = req.body.addTenantAccess;
      requireAdmin(req, `os_compute_api:os-flavor-access:${add ? 'add' : 'remove'}_tenant_access`);
      const f = visible(req, req.params.id);
      if (f.is_public) throw conflict('Can not add access to a public flavor.');
      const tenant = (add ?? req.body.removeTenantAccess)!.tenant;
      if (add) {
        if (f.access.includes(tenant)) throw conflict(`Flavor access already exists for flavor ${f.id} and project ${tenant} combination.`);
        f.access.push(tenant);
      } else {
        if (!f.access.includes(tenant)) throw notFound(`Flavor access not found for ${f.id} / ${tenant} combination.`);
        f.access = f.access.filter((p) => p !== tenant);
      }
      nova.flavors.put(f);
      return accessList(f);
    },
  );

  // --- os-extra_specs ---
  app.get<FlavorParams>('/v2.1/flavors/:id/os-extra_specs', { schema: flavorParams }, async (req) => ({
    extra_specs: visible(req, req.params.id).extra_specs,
  }));
  app.get<FlavorParams>('/v2.1/flavors/:id/os-extra_specs/:key', { schema: flavorParams }, async (req) => {
    const f = visible(req, req.params.id);
    const key = req.params.key!;
    if (!(key in f.extra_specs)) throw notFound(`Flavor ${f.id} has no extra specs with key ${key}.`);
    return { [key]: f.extra_specs[key] };
  });
  app.post<FlavorParams & { Body: { extra_specs: Record<string, string | number | boolean> } }>(
    '/v2.1/flavors/:id/os-extra_specs',
    { schema: { ...flavorParams, body: { type: 'object', required: ['extra_specs'], additionalProperties: false, properties: { extra_specs: specsSchema } } } },
    async (req) => {
      requireAdmin(req, 'os_compute_api:os-flavor-extra-specs:create');
      const f = visible(req, req.params.id);
      for (const [k, v] of Object.entries(req.body.extra_specs)) f.extra_specs[k] = String(v);
      nova.flavors.put(f);
      return { extra_specs: f.extra_specs };
    },
  );
  app.put<FlavorParams & { Body: Record<string, string | number | boolean> }>(
    '/v2.1/flavors/:id/os-extra_specs/:key',
    { schema: { ...flavorParams, body: { ...specsSchema, minProperties: 1, maxProperties: 1 } } },
    async (req) => {
      requireAdmin(req, 'os_compute_api:os-flavor-extra-specs:update');
      const f = visible(req, req.params.id);
      const key = req.params.key!;
      if (!(key in req.body)) throw badRequest('Request body and URI mismatch');
      f.extra_specs[key] = String(req.body[key]);
      nova.flavors.put(f);
      return { [key]: f.extra_specs[key] };
    },
  );
  app.delete<FlavorParams>('/v2.1/flavors/:id/os-extra_specs/:key', { schema: flavorParams }, async (req, reply) => {
    requireAdmin(req, 'os_compute_api:os-flavor-extra-specs:delete');
    const f = visible(req, req.params.id);
    const key = req.params.key!;
    if (!(key in f.extra_specs)) throw notFound(`Flavor ${f.id} has no extra specs with key ${key}.`);
    delete f.extra_specs[key];
    nova.flavors.put(f);
    reply.code(200).send();
  });
}
