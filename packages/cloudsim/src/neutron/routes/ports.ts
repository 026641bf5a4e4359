import type { FastifyInstance } from 'fastify';
import type { SiteHost } from '../../host.js';
import type { Frozen } from '../../store/frozen.js';
import { callerOf, disallowed, listResponse, ownerFor, pickFields, withoutOwner, type Caller } from '../listing.js';
import { networkNotFound, portNotFound, type PortPatch, type PortSpec } from '../model.js';
import type { PortRecord } from '../records.js';
import { canSeeNetwork } from './networks.js';
import { createBody, descriptionSchema, idParams, ipSchema, itemsOf, nameSchema, ownerProps, updateBody, uuidSchema } from './schema.js';

const mutableProps = {
  name: nameSchema,
  description: descriptionSchema,
  admin_state_up: { type: 'boolean' },
  fixed_ips: {
    type: 'array',
    maxItems: 64,
    items: { type: 'object', properties: { subnet_id: uuidSchema, ip_address: ipSchema }, additionalProperties: false },
  },
  security_groups: { type: 'array', items: uuidSchema, maxItems: 64 },
  device_id: { type: 'string', maxLength: 255 },
  device_owner: { type: 'string', maxLength: 255 },
  port_security_enabled: { type: 'boolean' },
  'binding:host_id': { type: 'string', maxLength: 255 },
  'binding:vnic_type': { type: 'string', enum: ['normal'] },
  'binding:profile': { type: 'object', maxProperties: 0 },
} as const;

const createSchema = createBody('port', 'ports', {
  type: 'object',
  required: ['network_id'],
  properties: { ...mutableProps, ...ownerProps, network_id: uuidSchema, mac_address: { type: 'string', maxLength: 32 } },
  additionalProperties: false,
});
const updateSchema = updateBody('port', { type: 'object', properties: mutableProps, additionalProperties: false });

type Extra = { project_id?: string; tenant_id?: string; 'binding:vnic_type'?: string; 'binding:profile'?: object };
type CreateItem = PortSpec & Extra;
type UpdateItem = PortPatch & Extra;

/** Binding details are for admins only in Neutron's default policy (vnic_type excepted). */
export function portView(port: Frozen<PortRecord>, caller: Caller): Record<string, unknown> {
  if (caller.isAdmin) return { ...port };
  const { 'binding:host_id': _h, 'binding:profile': _p, 'binding:vif_type': _t, 'binding:vif_details': _d, ...rest } = port;
  return rest;
}

export function registerPortRoutes(app: FastifyInstance, site: SiteHost): void {
  const model = site.neutron;

  // A port is the business of its project and of the network's owner.
  const canSee = (p: Frozen<PortRecord>, caller: Caller): boolean =>
    caller.isAdmin || p.project_id === caller.projectId || model.getNetwork(p.network_id)?.project_id === caller.projectId;
  const visible = (id: string, caller: Caller): PortRecord => {
    const p = model.mustGetPort(id);
    if (!canSee(p, caller)) throw portNotFound(id);
    return p;
  };
  /** Attributes only admins and the network's owner may choose. */
  const checkPrivileged = (item: PortPatch & { mac_address?: string }, networkOwner: string, caller: Caller, action: string) => {
    if (caller.isAdmin) return;
    if (item['binding:host_id'] !== undefined) throw disallowed(`${action}:binding:host_id`);
    if (networkOwner === caller.projectId) return;
    if (item.fixed_ips?.some((f) => f.ip_address !== undefined)) throw disallowed(`${action}:fixed_ips:ip_address`);
    if (item.mac_address !== undefined) throw disallowed(`${action}:mac_address`);
  };
  const strip = <T extends Extra>(item: T) => {
    const { 'binding:vnic_type': _v, 'binding:profile': _p, ...rest } = withoutOwner(item);
    return rest;
  };

  app.get('/v2.0/ports', async (request) => {
    const caller = callerOf(request);
    const ports = model.ports.views((p) => canSee(p, caller));
    return listResponse(request, 'ports', ports.map((p) => portView(p, caller)), site.url('neutron'));
  });

  app.get<{ Params: { id: string } }>('/v2.0/ports/:id', { schema: { params: idParams } }, async (request) => {
    const caller = callerOf(request);
    return { port: pickFields(portView(visible(request.params.id, caller), caller), request.query as Record<string, string>) };
  });

  app.post<{ Body: Record<string, CreateItem | CreateItem[]> }>('/v2.0/ports', { schema: { body: createSchema } }, async (request, reply) => {
    const caller = callerOf(request);
    const { items, bulk } = itemsOf<CreateItem>(request.body, 'port', 'ports');
    const created = site.ctx.db.transaction(() =>
      items.map((item) => {
        const net = model.getNetwork(item.network_id);
        if (!net || !canSeeNetwork(net, caller)) throw networkNotFound(item.network_id);
        checkPrivileged(item, net.project_id, caller, 'create_port');
        return model.createPort(ownerFor(caller, item), strip(item));
      }),
    )();
    reply.code(201);
    const views = created.map((p) => portView(p, caller));
    return bulk ? { ports: views } : { port: views[0] };
  });

  app.put<{ Params: { id: string }; Body: { port: UpdateItem } }>(
    '/v2.0/ports/:id',
    { schema: { params: idParams, body: updateSchema } },
    async (request) => {
      const caller = callerOf(request);
      const port = visible(request.params.id, caller);
      const networkOwner = model.getNetwork(port.network_id)?.project_id ?? '';
      if (!caller.isAdmin && port.project_id !== caller.projectId && networkOwner !== caller.projectId) throw disallowed('update_port');
      checkPrivileged(request.body.port, networkOwner, caller, 'update_port');
      return { port: portView(model.updatePort(port.id, strip(request.body.port)), caller) };
    },
  );

  app.delete<{ Params: { id: string } }>('/v2.0/ports/:id', { schema: { params: idParams } }, async (request, reply) => {
    visible(request.params.id, callerOf(request));
    model.deletePort(request.params.id);
    return reply.code(204).send();
  });
}
