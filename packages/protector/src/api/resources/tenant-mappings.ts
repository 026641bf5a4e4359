import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TenantMappingRoutes, type TenantMapping as MappingView } from '@protector/contract';
import type { FastifyInstance } from 'fastify';
import { Sites } from '../../db/sites.js';
import { TenantMappings, type TenantMapping } from '../../db/tenant-mappings.js';
import { authorize } from '../authorize.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { listBody, paginate } from '../pagination.js';
import { isoTime } from '../time.js';

const view = (m: TenantMapping): MappingView => ({ ...m, created_at: isoTime(m.created_at) });

/** `/v1/admin/tenant-mappings`: which project on the peer site stands for a local project (admin only). */
export function registerTenantMappings(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const mappings = new TenantMappings(deps.db, deps.now);
  const sites = new Sites(deps.db, deps.box, deps.now);

  app.get('/v1/admin/tenant-mappings', { schema: TenantMappingRoutes.list }, async (request) => {
    authorize(deps.enforcer, request, 'protector:tenant_mappings:list');
    const { local_project_id } = request.query;
    const rows = (await mappings.list()).filter((m) => local_project_id === undefined || m.local_project_id === local_project_id).map(view);
    return listBody('tenant_mappings', paginate(rows, request.query, { sortKeys: ['created_at', 'local_project_id'], defaultSort: 'created_at', ...deps.limits }), '/v1/admin/tenant-mappings');
  });

  app.post('/v1/admin/tenant-mappings', { schema: TenantMappingRoutes.create }, async (request, reply) => {
    authorize(deps.enforcer, request, 'protector:tenant_mappings:create');
    const b = request.body.tenant_mapping;
    const site = await sites.get(b.remote_site_id);
    if (!site) throw badRequest('tenant_mapping.remote_site_id', `Site ${b.remote_site_id} is not registered.`);
    if (site.is_local) throw badRequest('tenant_mapping.remote_site_id', `Site ${site.name} is this site; a tenant mapping points at the peer.`);
    const created = await mappings.create({ local_project_id: b.local_project_id, remote_site_id: b.remote_site_id, remote_project_id: b.remote_project_id, description: b.description ?? '' });
    if (!created) throw conflict(`Project ${b.local_project_id} already has a tenant mapping to site ${site.name}.`);
    reply.code(201);
    return { tenant_mapping: view(created) };
  });

  app.get('/v1/admin/tenant-mappings/:id', { schema: TenantMappingRoutes.show }, async (request) => {
    authorize(deps.enforcer, request, 'protector:tenant_mappings:show');
    const m = await mappings.get(request.params.id);
    if (!m) throw notFound(`Tenant mapping ${request.params.id}`);
    return { tenant_mapping: view(m) };
  });

  app.delete('/v1/admin/tenant-mappings/:id', { schema: TenantMappingRoutes.delete }, async (request, reply) => {
    authorize(deps.enforcer, request, 'protector:tenant_mappings:delete');
    if (!(await mappings.delete(request.params.id))) throw notFound(`Tenant mapping ${request.params.id}`);
    reply.code(204);
  });
}
