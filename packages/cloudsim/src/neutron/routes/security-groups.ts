import type { FastifyInstance } from 'fastify';
import { notFound } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import { callerOf, disallowed, listResponse, ownerFor, pickFields, withoutOwner, type Caller } from '../listing.js';
import type { SecurityGroupRecord } from '../records.js';
import type { SecurityGroupSpec } from '../security-groups.js';
import { createBody, descriptionSchema, idParams, itemsOf, nameSchema, ownerProps, updateBody } from './schema.js';

const mutableProps = { name: nameSchema, description: descriptionSchema, stateful: { type: 'boolean' } } as const;
const createSchema = createBody('security_group', 'security_groups', { type: 'object', properties: { ...mutableProps, ...ownerProps }, additionalProperties: false });
const updateSchema = updateBody('security_group', { type: 'object', properties: mutableProps, additionalProperties: false });

type CreateItem = SecurityGroupSpec & { project_id?: string; tenant_id?: string };

export const groupNotFound = (id: string) => notFound(`Security group ${id} does not exist`, 'SecurityGroupNotFound');

export function registerSecurityGroupRoutes(app: FastifyInstance, site: SiteHost): void {
  const groups = site.neutron.securityGroups;
  const view = (g: SecurityGroupRecord) => ({ ...g, security_group_rules: groups.rulesOf(g.id) });
  const visible = (id: string, caller: Caller): SecurityGroupRecord => {
    const g = groups.get(id);
    if (!g || (!caller.isAdmin && g.project_id !== caller.projectId && !g.shared)) throw groupNotFound(id);
    return g;
  };
  const writable = (id: string, caller: Caller, action: string): SecurityGroupRecord => {
    const g = visible(id, caller);
    if (!caller.isAdmin && g.project_id !== caller.projectId) throw disallowed(action);
    return g;
  };

  app.get('/v2.0/security-groups', async (request) => {
    const caller = callerOf(request);
    // Like Neutron, listing is one of the moments a project's default group comes to be.
    if (caller.projectId) groups.ensureDefault(caller.projectId);
    const all = groups.groups.list().filter((g) => caller.isAdmin || g.project_id === caller.projectId || g.shared);
    return listResponse(request, 'security_groups', all.map(view), site.url('neutron'));
  });

  app.get<{ Params: { id: string } }>('/v2.0/security-groups/:id', { schema: { params: idParams } }, async (request) => ({
    security_group: pickFields(view(visible(request.params.id, callerOf(request))), request.query as Record<string, string>),
  }));

  app.post<{ Body: Record<string, CreateItem | CreateItem[]> }>('/v2.0/security-groups', { schema: { body: createSchema } }, async (request, reply) => {
    const caller = callerOf(request);
    const { items, bulk } = itemsOf<CreateItem>(request.body, 'security_group', 'security_groups');
    const created = site.ctx.db.transaction(() =>
      items.map((item) => {
        const owner = ownerFor(caller, item);
        site.neutron.checkQuota(owner, 'security_group');
        return groups.create(owner, withoutOwner(item));
      }),
    )();
    reply.code(201);
    return bulk ? { security_groups: created.map(view) } : { security_group: view(created[0]!) };
  });

  app.put<{ Params: { id: string }; Body: { security_group: SecurityGroupSpec } }>(
    '/v2.0/security-groups/:id',
    { schema: { params: idParams, body: updateSchema } },
    async (request) => {
      writable(request.params.id, callerOf(request), 'update_security_group');
      return { security_group: view(groups.update(request.params.id, request.body.security_group)) };
    },
  );

  app.delete<{ Params: { id: string } }>('/v2.0/security-groups/:id', { schema: { params: idParams } }, async (request, reply) => {
    writable(request.params.id, callerOf(request), 'delete_security_group');
    groups.delete(request.params.id, site.neutron.groupInUse(request.params.id));
    return reply.code(204).send();
  });
}
