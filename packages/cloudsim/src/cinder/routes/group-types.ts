import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { uuid } from '../../ids.js';
import type { SiteHost } from '../../host.js';
import type { GroupTypeRecord } from '../records.js';
import { P, caller, listBody, listQuerySchema, requireAdmin, requireVersion, schemas, truthy, type IdParams, type ListQuery, type ProjectParams } from './common.js';
import { registerSpecRoutes } from './specs.js';
import { groupTypeView } from './views.js';

const fields = {
  name: { type: 'string', minLength: 1, maxLength: 255 },
  description: schemas.description,
  is_public: schemas.boolish,
} as const;

/** /group_types (3.11) with group_specs; writes are admin-only. */
export function registerGroupTypeRoutes(app: FastifyInstance, site: SiteHost): void {
  const cinder = site.cinder;
  const find = (req: FastifyRequest, id: string): GroupTypeRecord => {
    requireVersion(req, '3.11');
    const t = cinder.findGroupType(id);
    if (!t.is_public && !caller(req).isAdmin) throw notFound(`Group type with name ${id} could not be found.`);
    return t;
  };

  app.get<{ Params: ProjectParams; Querystring: ListQuery }>(`${P}/group_types`, { schema: { querystring: listQuerySchema } }, async (req) => {
    requireVersion(req, '3.11');
    const admin = caller(req).isAdmin;
    return listBody(req, cinder.groupTypes.list((t) => admin || t.is_public), {
      base: `${site.url('cinder')}/v3/${req.params.project_id}/group_types`,
      key: 'group_types',
      render: groupTypeView,
      sortKeys: ['id', 'name', 'created_at'],
    });
  });

  app.get<{ Params: ProjectParams }>(`${P}/group_types/default`, async (req) => {
    requireVersion(req, '3.11');
    throw notFound('Default group type can not be found.');
  });

  app.get<{ Params: IdParams }>(`${P}/group_types/:id`, async (req) => ({ group_type: groupTypeView(find(req, req.params.id)) }));

  app.post<{ Params: ProjectParams; Body: { group_type: { name: string; description?: string | null; is_public?: boolean | string; group_specs?: Record<string, string> } } }>(
    `${P}/group_types`,
    {
      schema: {
        body: {
          type: 'object',
          required: ['group_type'],
          additionalProperties: false,
          properties: { group_type: { type: 'object', required: ['name'], additionalProperties: false, properties: { ...fields, group_specs: schemas.specs } } },
        },
      },
    },
    async (req) => {
      requireVersion(req, '3.11');
      requireAdmin(req, 'group:group_types_manage');
      const b = req.body.group_type;
      const name = b.name.trim();
      if (!name) throw badRequest('Invalid input received: Group type name can not be empty.');
      if (cinder.groupTypes.find((t) => t.name === name)) throw conflict(`Group Type ${name} already exists.`);
      const t = cinder.groupTypes.insert({ id: uuid(), name, description: b.description ?? null, is_public: b.is_public === undefined || truthy(b.is_public), group_specs: { ...b.group_specs } });
      return { group_type: groupTypeView(t) };
    },
  );

  app.put<{ Params: IdParams; Body: { group_type: { name?: string; description?: string | null; is_public?: boolean | string } } }>(
    `${P}/group_types/:id`,
    {
      schema: {
        body: {
          type: 'object',
          required: ['group_type'],
          additionalProperties: false,
          properties: { group_type: { type: 'object', minProperties: 1, additionalProperties: false, properties: fields } },
        },
      },
    },
    async (req) => {
      requireAdmin(req, 'group:group_types_manage');
      const t = find(req, req.params.id);
      const b = req.body.group_type;
      if (b.name !== undefined && cinder.groupTypes.find((x) => x.name === b.name && x.id !== t.id)) throw conflict(`Group Type ${b.name} already exists.`);
      if (b.name !== undefined) t.name = b.name;
      if (b.description !== undefined) t.description = b.description;
      if (b.is_public !== undefined) t.is_public = truthy(b.is_public);
      cinder.groupTypes.put(t);
      return { group_type: groupTypeView(t) };
    },
  );

  app.delete<{ Params: IdParams }>(`${P}/group_types/:id`, async (req, reply) => {
    requireAdmin(req, 'group:group_types_manage');
    const t = find(req, req.params.id);
    if (cinder.listGroups().some((g) => g.group_type === t.id)) throw badRequest(`Target group type with id ${t.id} is still in use.`);
    cinder.groupTypes.delete(t.id);
    return reply.code(202).send();
  });

  registerSpecRoutes(app, {
    path: `${P}/group_types/:id/group_specs`,
    key: 'group_specs',
    find,
    specs: (t) => t.group_specs,
    save: (t, specs) => cinder.groupTypes.put({ ...t, group_specs: specs }),
    authorizeWrite: (req) => requireAdmin(req, 'group:group_types_specs'),
  });
}
