import type { FastifyInstance } from 'fastify';
import type { SiteHost } from '../../host.js';
import { callerOf, disallowed, listResponse, ownerFor, pickFields, withoutOwner, type Caller } from '../listing.js';
import { networkNotFound, type NetworkSpec } from '../model.js';
import type { NetworkRecord } from '../records.js';
import { createBody, descriptionSchema, idParams, itemsOf, nameSchema, ownerProps, updateBody } from './schema.js';

const networkProps = {
  name: nameSchema,
  description: descriptionSchema,
  admin_state_up: { type: 'boolean' },
  shared: { type: 'boolean' },
  'router:external': { type: 'boolean' },
  mtu: { type: 'integer', minimum: 68, maximum: 9216 },
  port_security_enabled: { type: 'boolean' },
  availability_zone_hints: { type: 'array', items: { type: 'string', maxLength: 255 }, maxItems: 16 },
} as const;

const createSchema = createBody('network', 'networks', { type: 'object', properties: { ...networkProps, ...ownerProps }, additionalProperties: false });
const updateSchema = updateBody('network', { type: 'object', properties: networkProps, additionalProperties: false });

type CreateItem = NetworkSpec & { project_id?: string; tenant_id?: string };

/** Provider attributes are for admins only, as Neutron's policy has it. */
export function networkView(net: NetworkRecord, caller: Caller): Record<string, unknown> {
  if (caller.isAdmin) return { ...net };
  const { 'provider:network_type': _t, 'provider:physical_network': _p, 'provider:segmentation_id': _s, ...rest } = net;
  return rest;
}

export function canSeeNetwork(net: Pick<NetworkRecord, 'project_id' | 'shared' | 'router:external'>, caller: Caller): boolean {
  return caller.isAdmin || net.project_id === caller.projectId || net.shared || net['router:external'];
}

export function registerNetworkRoutes(app: FastifyInstance, site: SiteHost): void {
  const model = site.neutron;

  /** The network as the caller may see it; another project's private network is 404. */
  const visible = (id: string, caller: Caller): NetworkRecord => {
    const net = model.mustGetNetwork(id);
    if (!canSeeNetwork(net, caller)) throw networkNotFound(id);
    return net;
  };
  const writable = (id: string, caller: Caller, action: string): NetworkRecord => {
    const net = visible(id, caller);
    if (!caller.isAdmin && net.project_id !== caller.projectId) throw disallowed(action);
    return net;
  };
  const checkAdminAttrs = (spec: NetworkSpec, caller: Caller, action: string) => {
    if (caller.isAdmin) return;
    if (spec.shared) throw disallowed(`${action}:shared`);
    if (spec['router:external'] !== undefined) throw disallowed(`${action}:router:external`);
  };

  app.get('/v2.0/networks', async (request) => {
    const caller = callerOf(request);
    const nets = model.networks.list().filter((n) => canSeeNetwork(n, caller));
    return listResponse(request, 'networks', nets.map((n) => networkView(n, caller)), site.url('neutron'));
  });

  app.get<{ Params: { id: string } }>('/v2.0/networks/:id', { schema: { params: idParams } }, async (request) => {
    const caller = callerOf(request);
    return { network: pickFields(networkView(visible(request.params.id, caller), caller), request.query as Record<string, string>) };
  });

  app.post<{ Body: Record<string, CreateItem | CreateItem[]> }>('/v2.0/networks', { schema: { body: createSchema } }, async (request, reply) => {
    const caller = callerOf(request);
    const { items, bulk } = itemsOf<CreateItem>(request.body, 'network', 'networks');
    const created = site.ctx.db.transaction(() =>
      items.map((item) => {
        checkAdminAttrs(item, caller, 'create_network');
        return model.createNetwork(ownerFor(caller, item), withoutOwner(item));
      }),
    )();
    reply.code(201);
    const views = created.map((n) => networkView(n, caller));
    return bulk ? { networks: views } : { network: views[0] };
  });

  app.put<{ Params: { id: string }; Body: { network: NetworkSpec } }>(
    '/v2.0/networks/:id',
    { schema: { params: idParams, body: updateSchema } },
    async (request) => {
      const caller = callerOf(request);
      writable(request.params.id, caller, 'update_network');
      checkAdminAttrs(request.body.network, caller, 'update_network');
      return { network: networkView(model.updateNetwork(request.params.id, request.body.network), caller) };
    },
  );

  app.delete<{ Params: { id: string } }>('/v2.0/networks/:id', { schema: { params: idParams } }, async (request, reply) => {
    writable(request.params.id, callerOf(request), 'delete_network');
    model.deleteNetwork(request.params.id);
    return reply.code(204).send();
  });
}
