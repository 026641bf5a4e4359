import type { FastifyInstance } from 'fastify';
import type { SiteHost } from '../../host.js';
import { callerOf, disallowed, listResponse, ownerFor, pickFields, withoutOwner, type Caller } from '../listing.js';
import { networkNotFound, subnetNotFound, type SubnetPatch, type SubnetSpec } from '../model.js';
import type { SubnetRecord } from '../records.js';
import { canSeeNetwork } from './networks.js';
import { createBody, descriptionSchema, idParams, ipSchema, itemsOf, nameSchema, ownerProps, updateBody, uuidSchema } from './schema.js';

const poolSchema = {
  type: 'array',
  maxItems: 64,
  items: { type: 'object', required: ['start', 'end'], properties: { start: ipSchema, end: ipSchema }, additionalProperties: false },
} as const;
const mutableProps = {
  name: nameSchema,
  description: descriptionSchema,
  gateway_ip: { type: ['string', 'null'], maxLength: 64 },
  allocation_pools: poolSchema,
  enable_dhcp: { type: 'boolean' },
  dns_nameservers: { type: 'array', items: ipSchema, maxItems: 5 },
  host_routes: {
    type: 'array',
    maxItems: 20,
    items: { type: 'object', required: ['destination', 'nexthop'], properties: { destination: ipSchema, nexthop: ipSchema }, additionalProperties: false },
  },
} as const;

const createSchema = createBody('subnet', 'subnets', {
  type: 'object',
  required: ['network_id', 'ip_version', 'cidr'],
  properties: {
    ...mutableProps,
    ...ownerProps,
    network_id: uuidSchema,
    ip_version: { type: 'integer', enum: [4, 6] },
    cidr: { type: 'string', maxLength: 64 },
    ipv6_ra_mode: { type: 'null' },
    ipv6_address_mode: { type: 'null' },
    subnetpool_id: { type: 'null' },
  },
  additionalProperties: false,
});
const updateSchema = updateBody('subnet', { type: 'object', properties: mutableProps, additionalProperties: false });

type CreateItem = SubnetSpec & { project_id?: string; tenant_id?: string; ipv6_ra_mode?: null; ipv6_address_mode?: null; subnetpool_id?: null };

export function registerSubnetRoutes(app: FastifyInstance, site: SiteHost): void {
  const model = site.neutron;

  const canSee = (s: SubnetRecord, caller: Caller): boolean => {
    if (caller.isAdmin || s.project_id === caller.projectId) return true;
    const net = model.getNetwork(s.network_id);
    return net !== undefined && canSeeNetwork(net, caller);
  };
  const visible = (id: string, caller: Caller): SubnetRecord => {
    const s = model.mustGetSubnet(id);
    if (!canSee(s, caller)) throw subnetNotFound(id);
    return s;
  };
  const writable = (id: string, caller: Caller, action: string): SubnetRecord => {
    const s = visible(id, caller);
    if (!caller.isAdmin && s.project_id !== caller.projectId) throw disallowed(action);
    return s;
  };

  app.get('/v2.0/subnets', async (request) => {
    const caller = callerOf(request);
    const subnets = model.subnets.list().filter((s) => canSee(s, caller));
    return listResponse(request, 'subnets', subnets.map((s) => ({ ...s })), site.url('neutron'));
  });

  app.get<{ Params: { id: string } }>('/v2.0/subnets/:id', { schema: { params: idParams } }, async (request) => ({
    subnet: pickFields({ ...visible(request.params.id, callerOf(request)) }, request.query as Record<string, string>),
  }));

  app.post<{ Body: Record<string, CreateItem | CreateItem[]> }>('/v2.0/subnets', { schema: { body: createSchema } }, async (request, reply) => {
    const caller = callerOf(request);
    const { items, bulk } = itemsOf<CreateItem>(request.body, 'subnet', 'subnets');
    const created = site.ctx.db.transaction(() =>
      items.map((item) => {
        const net = model.getNetwork(item.network_id);
        if (!net || !canSeeNetwork(net, caller)) throw networkNotFound(item.network_id);
        // Only the network's owner (or an admin) may add subnets, even to a shared network.
        if (!caller.isAdmin && net.project_id !== caller.projectId) throw disallowed('create_subnet');
        const { ipv6_ra_mode: _r, ipv6_address_mode: _a, subnetpool_id: _p, ...spec } = withoutOwner(item);
        return model.createSubnet(ownerFor(caller, item), spec);
      }),
    )();
    reply.code(201);
    return bulk ? { subnets: created } : { subnet: created[0] };
  });

  app.put<{ Params: { id: string }; Body: { subnet: SubnetPatch } }>(
    '/v2.0/subnets/:id',
    { schema: { params: idParams, body: updateSchema } },
    async (request) => {
      writable(request.params.id, callerOf(request), 'update_subnet');
      return { subnet: model.updateSubnet(request.params.id, request.body.subnet) };
    },
  );

  app.delete<{ Params: { id: string } }>('/v2.0/subnets/:id', { schema: { params: idParams } }, async (request, reply) => {
    writable(request.params.id, callerOf(request), 'delete_subnet');
    model.deleteSubnet(request.params.id);
    return reply.code(204).send();
  });
}
