import type { FastifyInstance } from 'fastify';
import { notFound } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import { callerOf, disallowed, listResponse, ownerFor, pickFields, withoutOwner, type Caller } from '../listing.js';
import type { SecurityGroupRuleRecord } from '../records.js';
import type { RuleSpec } from '../security-groups.js';
import { groupNotFound } from './security-groups.js';
import { createBody, descriptionSchema, idParams, itemsOf, ownerProps, uuidSchema } from './schema.js';

const portSchema = { type: ['integer', 'null'], minimum: 0, maximum: 65535 } as const;
const createSchema = createBody('security_group_rule', 'security_group_rules', {
  type: 'object',
  required: ['security_group_id', 'direction'],
  properties: {
    ...ownerProps,
    security_group_id: uuidSchema,
    direction: { type: 'string', enum: ['ingress', 'egress'] },
    ethertype: { type: 'string', enum: ['IPv4', 'IPv6'] },
    protocol: { anyOf: [{ type: 'string', maxLength: 40 }, { type: 'integer' }, { type: 'null' }] },
    port_range_min: portSchema,
    port_range_max: portSchema,
    remote_ip_prefix: { type: ['string', 'null'], maxLength: 64 },
    remote_group_id: { anyOf: [uuidSchema, { type: 'null' }] },
    remote_address_group_id: { type: 'null' },
    description: descriptionSchema,
  },
  additionalProperties: false,
});

type CreateItem = RuleSpec & { project_id?: string; tenant_id?: string; remote_address_group_id?: null };

const ruleNotFound = (id: string) => notFound(`Security group rule ${id} does not exist`, 'SecurityGroupRuleNotFound');

export function registerSecurityGroupRuleRoutes(app: FastifyInstance, site: SiteHost): void {
  const groups = site.neutron.securityGroups;
  // A rule is visible to its project and to the owner of the group it belongs to.
  const canSee = (r: SecurityGroupRuleRecord, caller: Caller) =>
    caller.isAdmin || r.project_id === caller.projectId || groups.get(r.security_group_id)?.project_id === caller.projectId;
  const visible = (id: string, caller: Caller): SecurityGroupRuleRecord => {
    const r = groups.rules.get(id);
    if (!r || !canSee(r, caller)) throw ruleNotFound(id);
    return r;
  };

  app.get('/v2.0/security-group-rules', async (request) => {
    const caller = callerOf(request);
    if (caller.projectId) groups.ensureDefault(caller.projectId);
    const rules = groups.rules.list().filter((r) => canSee(r, caller));
    return listResponse(request, 'security_group_rules', rules.map((r) => ({ ...r })), site.url('neutron'));
  });

  app.get<{ Params: { id: string } }>('/v2.0/security-group-rules/:id', { schema: { params: idParams } }, async (request) => ({
    security_group_rule: pickFields({ ...visible(request.params.id, callerOf(request)) }, request.query as Record<string, string>),
  }));

  app.post<{ Body: Record<string, CreateItem | CreateItem[]> }>('/v2.0/security-group-rules', { schema: { body: createSchema } }, async (request, reply) => {
    const caller = callerOf(request);
    const { items, bulk } = itemsOf<CreateItem>(request.body, 'security_group_rule', 'security_group_rules');
    const created = site.ctx.db.transaction(() =>
      items.map((item) => {
        const group = groups.get(item.security_group_id);
        if (!group || (!caller.isAdmin && group.project_id !== caller.projectId && !group.shared)) throw groupNotFound(item.security_group_id);
        if (!caller.isAdmin && group.project_id !== caller.projectId) throw disallowed('create_security_group_rule');
        const owner = item.project_id ?? item.tenant_id ? ownerFor(caller, item) : group.project_id;
        site.neutron.checkQuota(owner, 'security_group_rule');
        const { remote_address_group_id: _g, ...spec } = withoutOwner(item);
        return groups.createRule(owner, spec);
      }),
    )();
    reply.code(201);
    return bulk ? { security_group_rules: created } : { security_group_rule: created[0] };
  });

  app.delete<{ Params: { id: string } }>('/v2.0/security-group-rules/:id', { schema: { params: idParams } }, async (request, reply) => {
    const caller = callerOf(request);
    const rule = visible(request.params.id, caller);
    if (!caller.isAdmin && groups.get(rule.security_group_id)?.project_id !== caller.projectId) throw disallowed('delete_security_group_rule');
    groups.deleteRule(rule.id);
    return reply.code(204).send();
  });
}
