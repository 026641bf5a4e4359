import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import type { Frozen } from '../../store/frozen.js';
import type { GroupRecord } from '../records.js';
import { P, allTenants, caller, callerProject, listBody, listQuerySchema, requireVersion, schemas, truthy, type IdParams, type ListQuery, type ProjectParams } from './common.js';
import { groupDetail } from './views.js';

const idList = { type: ['string', 'null'], maxLength: 65535 } as const;

const createBody = {
  type: 'object',
  required: ['group'],
  additionalProperties: false,
  properties: {
    group: {
      type: 'object',
      required: ['group_type', 'volume_types'],
      additionalProperties: false,
      properties: {
        group_type: { type: 'string', minLength: 1, maxLength: 255 },
        volume_types: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1, maxLength: 255 } },
        name: schemas.name,
        description: schemas.description,
        availability_zone: { type: ['string', 'null'], maxLength: 255 },
      },
    },
  },
} as const;

const updateBody = {
  type: 'object',
  required: ['group'],
  additionalProperties: false,
  properties: {
    group: {
      type: 'object',
      minProperties: 1,
      additionalProperties: false,
      properties: { name: schemas.name, description: schemas.description, add_volumes: idList, remove_volumes: idList },
    },
  },
} as const;

const actionBody = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    delete: { type: ['object', 'null'], additionalProperties: false, properties: { 'delete-volumes': schemas.boolish } },
    reset_status: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', maxLength: 255 } } },
  },
} as const;

const ids = (s: string | null | undefined): string[] => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/** Generic volume groups (3.13): create, list, show, update membership, delete via action. */
export function registerGroupRoutes(app: FastifyInstance, site: SiteHost): void {
  const cinder = site.cinder;
  const root = () => site.url('cinder');
  const find = (req: FastifyRequest, id: string): GroupRecord => {
    requireVersion(req, '3.13');
    const auth = caller(req);
    const g = cinder.getGroup(id);
    if (!g || (!auth.isAdmin && g.project_id !== auth.projectId)) throw notFound(`Group ${id} could not be found.`);
    return g;
  };
  const detail = (req: FastifyRequest, g: Frozen<GroupRecord>) => groupDetail(req, g, () => cinder.groupVolumes(g.id).map((v) => v.id));
  const list = (full: boolean) => async (req: FastifyRequest<{ Params: ProjectParams; Querystring: ListQuery }>) => {
    requireVersion(req, '3.13');
    const groups = allTenants(req) ? cinder.listGroups() : cinder.listGroups(callerProject(req));
    return listBody(req, groups, {
      base: `${root()}/v3/${req.params.project_id}/groups${full ? '/detail' : ''}`,
      key: 'groups',
      render: full ? (g) => detail(req, g) : (g) => ({ id: g.id, name: g.name }),
      filters: { name: (x) => (g) => g.name === x, status: (x) => (g) => g.status === x },
      sortKeys: ['id', 'name', 'created_at', 'status'],
    });
  };
  const listSchema = { querystring: { ...listQuerySchema, properties: { ...listQuerySchema.properties, list_volume: { type: 'string' } } } };
  app.get(`${P}/groups`, { schema: listSchema }, list(false));
  app.get(`${P}/groups/detail`, { schema: listSchema }, list(true));
  app.get<{ Params: IdParams }>(`${P}/groups/:id`, async (req) => ({ group: detail(req, find(req, req.params.id)) }));

  app.post<{ Params: ProjectParams; Body: { group: { group_type: string; volume_types: string[]; name?: string | null; description?: string | null; availability_zone?: string | null } } }>(
    `${P}/groups`,
    { schema: { body: createBody } },
    async (req, reply) => {
      requireVersion(req, '3.13');
      const auth = caller(req);
      const b = req.body.group;
      const g = cinder.createGroup(
        callerProject(req),
        { group_type: b.group_type, volume_types: b.volume_types, name: b.name, description: b.description, availability_zone: b.availability_zone ?? undefined },
        { userId: auth.userId, isAdmin: auth.isAdmin },
      );
      return reply.code(202).send({ group: { id: g.id, name: g.name } });
    },
  );

  app.put<{ Params: IdParams; Body: { group: { name?: string | null; description?: string | null; add_volumes?: string | null; remove_volumes?: string | null } } }>(
    `${P}/groups/:id`,
    { schema: { body: updateBody } },
    async (req, reply) => {
      const g = find(req, req.params.id);
      const b = req.body.group;
      cinder.updateGroup(g.id, { name: b.name, description: b.description, add_volumes: ids(b.add_volumes), remove_volumes: ids(b.remove_volumes) });
      return reply.code(202).send();
    },
  );

  app.post<{ Params: IdParams; Body: { delete?: { 'delete-volumes'?: boolean | string } | null; reset_status?: { status: string } } }>(
    `${P}/groups/:id/action`,
    { schema: { body: actionBody } },
    async (req, reply) => {
      const g = find(req, req.params.id);
      if (req.body.reset_status) {
        if (!caller(req).isAdmin) throw notFound(`Group ${g.id} could not be found.`);
        cinder.groups.put({ ...g, status: req.body.reset_status.status });
      } else {
        cinder.deleteGroup(g.id, truthy(req.body.delete?.['delete-volumes']));
      }
      return reply.code(202).send();
    },
  );
}
