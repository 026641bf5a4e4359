import type { FastifyInstance } from 'fastify';
import { forbidden } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import { callerOf, type Caller } from '../listing.js';
import { DEFAULT_QUOTA, type Quota } from '../model.js';
import { updateBody } from './schema.js';

const limit = { type: 'integer', minimum: -1, maximum: 2147483647 } as const;
const updateSchema = updateBody('quota', {
  type: 'object',
  properties: Object.fromEntries(Object.keys(DEFAULT_QUOTA).map((k) => [k, limit])),
  additionalProperties: false,
});
const params = { type: 'object', properties: { project: { type: 'string', maxLength: 255 } }, required: ['project'] } as const;

/** Per-project limits: shown to the project itself and admins, changed by admins only. */
export function registerQuotaRoutes(app: FastifyInstance, site: SiteHost): void {
  const model = site.neutron;
  const mayRead = (project: string, caller: Caller) => {
    if (!caller.isAdmin && project !== caller.projectId) throw forbidden('Non-admin is not authorised to access quotas for another tenant', 'HTTPForbidden');
  };
  const mustBeAdmin = (caller: Caller) => {
    if (!caller.isAdmin) throw forbidden('Only admin can view or configure quota', 'AdminRequired');
  };

  app.get('/v2.0/quotas', async (request) => {
    mustBeAdmin(callerOf(request));
    return { quotas: model.quotas.list().map((q) => ({ ...model.quotaOf(q.id), project_id: q.id, tenant_id: q.id })) };
  });
  app.get<{ Params: { project: string } }>('/v2.0/quotas/:project', { schema: { params } }, async (request) => {
    mayRead(request.params.project, callerOf(request));
    return { quota: model.quotaOf(request.params.project) };
  });
  app.get<{ Params: { project: string } }>('/v2.0/quotas/:project/default', { schema: { params } }, async (request) => {
    mayRead(request.params.project, callerOf(request));
    return { quota: { ...DEFAULT_QUOTA } };
  });
  app.get<{ Params: { project: string } }>('/v2.0/quotas/:project/details', { schema: { params } }, async (request) => {
    mayRead(request.params.project, callerOf(request));
    const limits = model.quotaOf(request.params.project);
    const used = model.usage(request.params.project);
    const detail = Object.fromEntries((Object.keys(limits) as (keyof Quota)[]).map((k) => [k, { limit: limits[k], used: used[k], reserved: 0 }]));
    return { quota: detail };
  });
  app.put<{ Params: { project: string }; Body: { quota: Partial<Quota> } }>('/v2.0/quotas/:project', { schema: { params, body: updateSchema } }, async (request) => {
    mustBeAdmin(callerOf(request));
    return { quota: model.setQuota(request.params.project, request.body.quota) };
  });
  app.delete<{ Params: { project: string } }>('/v2.0/quotas/:project', { schema: { params } }, async (request, reply) => {
    mustBeAdmin(callerOf(request));
    model.quotas.delete(request.params.project);
    return reply.code(204).send();
  });
}
