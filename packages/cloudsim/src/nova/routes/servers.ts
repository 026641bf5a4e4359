import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, policyForbidden } from '../../http/errors.js';
import { jsonArray, jsonObject, sendJson } from '../../http/json-body.js';
import { atLeast } from '../../http/microversion.js';
import type { SiteHost } from '../../host.js';
import { bootServer, ownerOf, type BdmRequest, type BootRequest } from '../boot.js';
import { deleteServer, serverStatus } from '../lifecycle.js';
import type { Frozen } from '../../store/frozen.js';
import type { ServerRecord } from '../records.js';
import { serverAddresses, serverDetail, serverDetailJson, serverSummary, type NetworkNames } from '../server-view.js';
import { caller, nextLink, paginate, schemas } from './common.js';
import { MAX_TAGS, tagSchema } from './server-tags.js';

const UUID = '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$';
const intOrDigits = { type: ['integer', 'string'], pattern: '^-?[0-9]+$' } as const;

const bdmSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source_type'],
  properties: {
    source_type: { enum: ['volume', 'image', 'snapshot', 'blank'] },
    destination_type: { enum: ['volume', 'local'] },
    boot_index: { type: ['integer', 'string', 'null'], pattern: '^-?[0-9]+$' },
    uuid: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9._-]*$' },
    volume_size: intOrDigits,
    delete_on_termination: { type: ['boolean', 'string'], enum: [true, false, 'True', 'False', 'true', 'false', '1', '0'] },
    device_name: { type: 'string', maxLength: 255 },
    guest_format: { type: 'string', maxLength: 255 },
    disk_bus: { type: 'string', maxLength: 255 },
    device_type: { type: 'string', maxLength: 255 },
    no_device: {},
    tag: { type: 'string', maxLength: 60 },
    volume_type: { type: ['string', 'null'], maxLength: 255 },
  },
} as const;

const createSchema = {
  body: {
    type: 'object',
    required: ['server'],
    additionalProperties: false,
    properties: {
      server: {
        type: 'object',
        required: ['name', 'flavorRef'],
        additionalProperties: false,
        properties: {
          name: { ...schemas.name, pattern: '^\\S(.*\\S)?$' },
          flavorRef: { type: ['string', 'integer'], minLength: 1, maxLength: 255 },
          imageRef: { type: 'string', maxLength: 255 },
          block_device_mapping_v2: { type: 'array', maxItems: 26, items: bdmSchema },
          // 'auto', 'none' or a list of networks: one schema, so errors name `server.networks` itself.
          networks: {
            type: ['string', 'array'],
            pattern: '^(auto|none)$',
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                uuid: { type: 'string', pattern: UUID },
                port: { type: ['string', 'null'], pattern: UUID },
                fixed_ip: { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] },
                tag: { type: 'string', maxLength: 60 },
              },
            },
          },
          security_groups: {
            type: 'array',
            items: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: schemas.name } },
          },
          key_name: { type: ['string', 'null'], minLength: 1, maxLength: 255 },
          availability_zone: { type: ['string', 'null'], minLength: 1, maxLength: 255 },
          metadata: schemas.metadata,
          user_data: { type: ['string', 'null'], maxLength: 65535, pattern: '^[A-Za-z0-9+/=\\s]*$' },
          description: { type: ['string', 'null'], maxLength: 255 },
          tags: { type: 'array', maxItems: MAX_TAGS, items: tagSchema },
          adminPass: { type: 'string', maxLength: 255 },
          min_count: { ...intOrDigits, pattern: '^[0-9]+$' },
          max_count: { ...intOrDigits, pattern: '^[0-9]+$' },
          return_reservation_id: { type: ['boolean', 'string'] },
          config_drive: { type: ['boolean', 'string'] },
          'OS-DCF:diskConfig': { enum: ['AUTO', 'MANUAL'] },
          accessIPv4: { type: 'string', format: 'ipv4' },
          accessIPv6: { type: 'string', format: 'ipv6' },
          hostname: { type: 'string', minLength: 1, maxLength: 255 },
        },
      },
      'os:scheduler_hints': { type: 'object' },
      'OS-SCH-HNT:scheduler_hints': { type: 'object' },
    },
  },
} as const;

type CreateBody = { server: Omit<BootRequest, 'block_device_mapping_v2' | 'min_count' | 'max_count'> & {
  block_device_mapping_v2?: (Omit<BdmRequest, 'delete_on_termination'> & { delete_on_termination?: boolean | string })[];
  min_count?: number | string;
  max_count?: number | string;
  hostname?: string;
} };

const VALID_STATUSES = ['ACTIVE', 'BUILD', 'DELETED', 'ERROR', 'HARD_REBOOT', 'MIGRATING', 'PASSWORD', 'PAUSED', 'REBOOT', 'REBUILD', 'RESCUE', 'RESIZE', 'REVERT_RESIZE', 'SHELVED', 'SHELVED_OFFLOADED', 'SHUTOFF', 'SOFT_DELETED', 'SUSPENDED', 'UNKNOWN', 'VERIFY_RESIZE'];

/** Sort keys Nova accepts that the simulator has data for. */
const SORT_KEYS: Record<string, (s: Frozen<ServerRecord>) => string | number> = {
  created_at: (s) => s.created_ms,
  updated_at: (s) => s.updated_ms,
  launched_at: (s) => s.launched_ms ?? 0,
  display_name: (s) => s.name,
  display_description: (s) => s.description ?? '',
  uuid: (s) => s.id,
  vm_state: (s) => s.vm_state,
  task_state: (s) => s.task_state ?? '',
  key_name: (s) => s.key_name ?? '',
  project_id: (s) => s.project_id,
  user_id: (s) => s.user_id,
  availability_zone: (s) => s.availability_zone,
  image_ref: (s) => s.image_id,
  hostname: (s) => s.hostname,
  host: () => '',
  node: () => '',
};

const isoTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?)?(Z|[+-]\\d{2}:?\\d{2})?$' } as const;

const listSchema = {
  querystring: {
    type: 'object',
    properties: {
      limit: schemas.limit,
      marker: schemas.marker,
      name: { type: 'string', maxLength: 255 },
      status: { type: 'string', maxLength: 255 },
      flavor: { type: 'string', maxLength: 255 },
      image: { type: 'string', maxLength: 255 },
      ip: { type: 'string', maxLength: 255 },
      ip6: { type: 'string', maxLength: 255 },
      // Nova parses with iso8601, which takes a missing zone as UTC.
      'changes-since': isoTime,
      'changes-before': isoTime,
      tags: { type: 'string' },
      'tags-any': { type: 'string' },
      'not-tags': { type: 'string' },
      'not-tags-any': { type: 'string' },
      all_tenants: { type: 'string', maxLength: 16 },
      project_id: { type: 'string', maxLength: 255 },
      tenant_id: { type: 'string', maxLength: 255 },
      sort_key: { enum: Object.keys(SORT_KEYS) },
      sort_dir: { enum: ['asc', 'desc'] },
      deleted: { type: 'string' },
    },
  },
} as const;

type TimeFilter = 'changes-since' | 'changes-before';
type ListQuery = Partial<
  Record<'limit', number> &
    Record<'marker' | 'name' | 'status' | 'flavor' | 'image' | 'ip' | 'ip6' | TimeFilter | TagFilter | 'all_tenants' | 'project_id' | 'tenant_id' | 'sort_key' | 'sort_dir', string>
>;

/** Nova's tag filters (2.26): comma-separated tags; a server matches all / any / not all / none of them. */
const TAG_FILTERS = {
  tags: (have: readonly string[], want: string[]) => want.every((t) => have.includes(t)),
  'tags-any': (have: readonly string[], want: string[]) => want.some((t) => have.includes(t)),
  'not-tags': (have: readonly string[], want: string[]) => !want.every((t) => have.includes(t)),
  'not-tags-any': (have: readonly string[], want: string[]) => !want.some((t) => have.includes(t)),
};
type TagFilter = keyof typeof TAG_FILTERS;

/**
 * A changes-since / changes-before bound in epoch ms. Nova keeps updated_at to the second (what
 * the API shows), so servers are compared at that precision.
 */
function timeBound(text: string, field: TimeFilter): number {
  const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(text) || !text.includes('T') ? text : `${text}Z`);
  if (Number.isNaN(ms)) throw badRequest(`Invalid input for query parameters ${field}. Value: ${text}. not a date-time`);
  return ms;
}
const updatedSecond = (s: Frozen<ServerRecord>) => Math.floor(s.updated_ms / 1000) * 1000;

function safeRegex(pattern: string, field: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    throw badRequest(`Invalid input for query parameters ${field}. Value: ${pattern}. not a valid regular expression`);
  }
}

const truthy = (v: string | undefined) => v !== undefined && !['0', 'false', 'f', 'off', 'no', 'n'].includes(v.toLowerCase());

export function registerServerRoutes(app: FastifyInstance, site: SiteHost): void {
  const nova = site.nova;
  const root = () => site.url('nova');

  const list = (req: FastifyRequest<{ Querystring: ListQuery }>, detail: boolean) => {
    const auth = caller(req);
    const q = req.query;
    const allTenants = truthy(q.all_tenants);
    if (allTenants && !auth.isAdmin) throw policyForbidden(`os_compute_api:servers:${detail ? 'detail' : 'index'}:get_all_tenants`);
    const projectFilter = allTenants ? (q.project_id ?? q.tenant_id) : (auth.projectId ?? '');
    let servers = nova.listServers(projectFilter);
    const networkNames: NetworkNames = new Map();
    // Below 2.26 Nova drops tag filters as unknown options.
    if (atLeast(req.microversion, '2.26')) {
      for (const [name, match] of Object.entries(TAG_FILTERS) as [TagFilter, (have: readonly string[], want: string[]) => boolean][]) {
        const value = q[name];
        if (value === undefined) continue;
        const want = value.split(',');
        servers = servers.filter((s) => match(s.tags, want));
      }
    }
    if (q.name !== undefined) {
      const re = safeRegex(q.name, 'name');
      servers = servers.filter((s) => re.test(s.name));
    }
    if (q.status !== undefined) {
      const status = q.status.toUpperCase();
      if (!VALID_STATUSES.includes(status) && atLeast(req.microversion, '2.38')) throw badRequest('Invalid status value');
      servers = servers.filter((s) => serverStatus(s) === status);
    }
    if (q.flavor !== undefined) servers = servers.filter((s) => s.flavor.id === q.flavor);
    if (q.image !== undefined) {
      const image = q.image.split('/').pop();
      servers = servers.filter((s) => s.image_id === image);
    }
    for (const [field, version] of [['ip', 4], ['ip6', 6]] as const) {
      const value = q[field];
      if (value === undefined) continue;
      const re = safeRegex(value, field);
      servers = servers.filter((s) => Object.values(serverAddresses(nova, s, networkNames)).flat().some((a) => a.version === version && re.test(a.addr)));
    }
    const since = q['changes-since'] === undefined ? undefined : timeBound(q['changes-since'], 'changes-since');
    if (since !== undefined) servers = servers.filter((s) => updatedSecond(s) >= since);
    // changes-before is 2.66; Nova drops it below.
    if (q['changes-before'] !== undefined && atLeast(req.microversion, '2.66')) {
      const before = timeBound(q['changes-before'], 'changes-before');
      if (since !== undefined && before < since) throw badRequest('The value of changes-since must be less than or equal to changes-before.');
      servers = servers.filter((s) => updatedSecond(s) <= before);
    }
    const key = SORT_KEYS[q.sort_key ?? 'created_at'] ?? SORT_KEYS.created_at!;
    const dir = q.sort_dir === 'asc' ? 1 : -1;
    servers.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return (ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * dir;
    });
    const path = detail ? 'servers/detail' : 'servers';
    const base = root();
    const { page, links } = paginate(servers, q, (s) => s.id, (m) => nextLink(`${base}/v2.1/${path}`, q, m));
    const opts = { mv: req.microversion, isAdmin: auth.isAdmin, networkNames };
    const items = page.map((s) => (detail ? serverDetailJson(nova, base, s, opts) : JSON.stringify(serverSummary(base, s))));
    const members: [string, string][] = [['servers', jsonArray(items)]];
    if (links) members.push(['servers_links', JSON.stringify(links)]);
    return jsonObject(members);
  };

  app.get<{ Querystring: ListQuery }>('/v2.1/servers', { schema: listSchema }, async (req, reply) => sendJson(reply, list(req, false)));
  app.get<{ Querystring: ListQuery }>('/v2.1/servers/detail', { schema: listSchema }, async (req, reply) => sendJson(reply, list(req, true)));

  app.post<{ Body: CreateBody }>('/v2.1/servers', { schema: createSchema }, async (req, reply) => {
    const auth = caller(req);
    const body = req.body.server;
    const mv = req.microversion;
    const gated: [keyof CreateBody['server'], string][] = [['description', '2.19'], ['tags', '2.52'], ['hostname', '2.90']];
    for (const [field, version] of gated) {
      if (body[field] !== undefined && !atLeast(mv, version)) {
        throw badRequest(`Invalid input for field/attribute server. Additional properties are not allowed ('${field}' was unexpected)`);
      }
    }
    if (atLeast(mv, '2.37') && body.networks === undefined) {
      throw badRequest("Invalid input for field/attribute server. 'networks' is a required property");
    }
    if (!atLeast(mv, '2.37') && typeof body.networks === 'string') {
      throw badRequest(`Invalid input for field/attribute networks. Value: ${body.networks}. '${body.networks}' is not of type 'array'`);
    }
    const request: BootRequest = {
      ...body,
      flavorRef: String(body.flavorRef),
      min_count: body.min_count === undefined ? 1 : Number(body.min_count),
      max_count: body.max_count === undefined ? 1 : Number(body.max_count),
      block_device_mapping_v2: body.block_device_mapping_v2?.map((b) => ({
        ...b,
        delete_on_termination: typeof b.delete_on_termination === 'string' ? ['true', '1'].includes(b.delete_on_termination.toLowerCase()) : b.delete_on_termination,
      })),
    };
    const server = bootServer(nova, ownerOf(auth), request);
    const links = serverSummary(root(), server).links as { href: string }[];
    reply.code(202).header('Location', links[0]!.href);
    return {
      server: {
        id: server.id,
        links,
        'OS-DCF:diskConfig': 'MANUAL',
        security_groups: server.security_groups.map((name) => ({ name })),
        adminPass: body.adminPass ?? Math.random().toString(36).slice(2, 14),
      },
    };
  });

  const idParams = { params: { type: 'object', properties: { id: schemas.id } } } as const;

  app.get<{ Params: { id: string } }>('/v2.1/servers/:id', { schema: idParams }, async (req) => {
    const auth = caller(req);
    const s = nova.visibleServer(req.params.id, auth.projectId, auth.isAdmin);
    return { server: serverDetail(nova, root(), s, { mv: req.microversion, isAdmin: auth.isAdmin, single: true }) };
  });

  app.put<{ Params: { id: string }; Body: { server: { name?: string; description?: string | null } } }>(
    '/v2.1/servers/:id',
    {
      schema: {
        ...idParams,
        body: {
          type: 'object',
          required: ['server'],
          additionalProperties: false,
          properties: {
            server: {
              type: 'object',
              additionalProperties: false,
              properties: {
                name: { ...schemas.name, pattern: '^\\S(.*\\S)?$' },
                description: { type: ['string', 'null'], maxLength: 255 },
                accessIPv4: { type: 'string', format: 'ipv4' },
                accessIPv6: { type: 'string', format: 'ipv6' },
                'OS-DCF:diskConfig': { enum: ['AUTO', 'MANUAL'] },
                hostname: { type: 'string', minLength: 1, maxLength: 255 },
              },
            },
          },
        },
      },
    },
    async (req) => {
      const auth = caller(req);
      const s = nova.visibleServer(req.params.id, auth.projectId, auth.isAdmin);
      const change = req.body.server;
      if (change.description !== undefined && !atLeast(req.microversion, '2.19')) {
        throw badRequest(`Invalid input for field/attribute server. Additional properties are not allowed ('description' was unexpected)`);
      }
      if (change.name !== undefined) s.name = change.name;
      if (change.description !== undefined) s.description = change.description;
      s.updated_ms = nova.now();
      nova.servers.put(s);
      return { server: serverDetail(nova, root(), s, { mv: req.microversion, isAdmin: auth.isAdmin, single: true }) };
    },
  );

  app.delete<{ Params: { id: string } }>('/v2.1/servers/:id', { schema: idParams }, async (req, reply) => {
    const auth = caller(req);
    deleteServer(nova, nova.visibleServer(req.params.id, auth.projectId, auth.isAdmin));
    reply.code(204).send();
  });
}
