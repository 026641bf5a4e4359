import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { uuid } from '../../ids.js';
import type { SiteHost } from '../../host.js';
import { DEFAULT_TYPE } from '../model.js';
import type { VolumeTypeRecord } from '../records.js';
import { P, caller, listBody, listQuerySchema, requireAdmin, schemas, truthy, type IdParams, type ListQuery, type ProjectParams } from './common.js';
import { registerSpecRoutes } from './specs.js';
import { volumeTypeView } from './views.js';

const typeFields = {
  name: { type: 'string', minLength: 1, maxLength: 255 },
  description: schemas.description,
  'os-volume-type-access:is_public': schemas.boolish,
  is_public: schemas.boolish,
} as const;

const createBody = {
  type: 'object',
  required: ['volume_type'],
  additionalProperties: false,
  properties: {
    volume_type: { type: 'object', required: ['name'], additionalProperties: false, properties: { ...typeFields, extra_specs: schemas.specs } },
  },
} as const;

const updateBody = {
  type: 'object',
  required: ['volume_type'],
  additionalProperties: false,
  properties: { volume_type: { type: 'object', minProperties: 1, additionalProperties: false, properties: typeFields } },
} as const;

const accessBody = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    addProjectAccess: { type: 'object', required: ['project'], additionalProperties: false, properties: { project: { type: 'string', minLength: 1, maxLength: 255 } } },
    removeProjectAccess: { type: 'object', required: ['project'], additionalProperties: false, properties: { project: { type: 'string', minLength: 1, maxLength: 255 } } },
  },
} as const;

type TypeFields = { name?: string; description?: string | null; 'os-volume-type-access:is_public'?: boolean | string; is_public?: boolean | string };

/** /types with extra specs and project access; writes are admin-only. */
export function registerTypeRoutes(app: FastifyInstance, site: SiteHost): void {
  const cinder = site.cinder;
  const find = (req: FastifyRequest, id: string): VolumeTypeRecord => {
    const auth = caller(req);
    return cinder.findType(id, auth.projectId, auth.isAdmin);
  };
  const isPublic = (b: TypeFields): boolean | undefined => {
    const v = b['os-volume-type-access:is_public'] ?? b.is_public;
    return v === undefined ? undefined : truthy(v);
  };

  app.get<{ Params: ProjectParams; Querystring: ListQuery & { is_public?: string } }>(
    `${P}/types`,
    { schema: { querystring: { ...listQuerySchema, properties: { ...listQuerySchema.properties, is_public: { type: 'string', maxLength: 10 } } } } },
    async (req) => {
      const auth = caller(req);
      const wanted = req.query.is_public;
      // Admins see every type unless they ask for one visibility; others see public ones and those shared with them.
      const types = cinder.types.list((t) => {
        if (!auth.isAdmin && !t.is_public && !(auth.projectId && t.projects.includes(auth.projectId))) return false;
        if (wanted === undefined || /^none$/i.test(wanted)) return true;
        return t.is_public === truthy(wanted);
      });
      return listBody(req, types, {
        base: `${site.url('cinder')}/v3/${req.params.project_id}/types`,
        key: 'volume_types',
        render: (t) => volumeTypeView(req, t),
        sortKeys: ['id', 'name', 'description', 'is_public', 'created_at'],
        filters: { name: (x) => (t) => t.name === x },
      });
    },
  );

  app.get<{ Params: ProjectParams }>(`${P}/types/default`, async (req) => ({ volume_type: volumeTypeView(req, find(req, DEFAULT_TYPE)) }));

  app.get<{ Params: IdParams }>(`${P}/types/:id`, async (req) => ({ volume_type: volumeTypeView(req, find(req, req.params.id)) }));

  app.post<{ Params: ProjectParams; Body: { volume_type: TypeFields & { name: string; extra_specs?: Record<string, string> } } }>(
    `${P}/types`,
    { schema: { body: createBody } },
    async (req) => {
      requireAdmin(req, 'volume_extension:types_manage');
      const b = req.body.volume_type;
      const name = b.name.trim();
      if (!name) throw badRequest('Invalid input received: Volume type name can not be empty.');
      if (cinder.types.find((t) => t.name === name)) throw conflict(`Volume Type ${name} already exists.`);
      const t = cinder.types.insert({ id: uuid(), name, description: b.description ?? null, is_public: isPublic(b) ?? true, extra_specs: { ...b.extra_specs }, projects: [] });
      return { volume_type: volumeTypeView(req, t) };
    },
  );

  app.put<{ Params: IdParams; Body: { volume_type: TypeFields } }>(`${P}/types/:id`, { schema: { body: updateBody } }, async (req) => {
    requireAdmin(req, 'volume_extension:types_manage');
    const t = find(req, req.params.id);
    const b = req.body.volume_type;
    if (b.name !== undefined) {
      if (t.name === DEFAULT_TYPE) throw badRequest('Invalid input received: The default volume type cannot be renamed.');
      if (cinder.types.find((x) => x.name === b.name && x.id !== t.id)) throw conflict(`Volume Type ${b.name} already exists.`);
      t.name = b.name;
    }
    if (b.description !== undefined) t.description = b.description;
    const pub = isPublic(b);
    if (pub !== undefined) t.is_public = pub;
    cinder.types.put(t);
    return { volume_type: volumeTypeView(req, t) };
  });

  app.delete<{ Params: IdParams }>(`${P}/types/:id`, async (req, reply) => {
    requireAdmin(req, 'volume_extension:types_manage');
    const t = find(req, req.params.id);
    if (t.name === DEFAULT_TYPE) throw badRequest('Default volume type can not be deleted.');
    if (cinder.listVolumes().some((v) => v.volume_type_id === t.id)) throw badRequest('Target volume type is still in use.');
    cinder.types.delete(t.id);
    return reply.code(202).send();
  });

  registerSpecRoutes(app, {
    path: `${P}/types/:id/extra_specs`,
    key: 'extra_specs',
    find,
    specs: (t) => t.extra_specs,
    save: (t, specs) => cinder.types.put({ ...t, extra_specs: specs }),
    authorizeWrite: (req) => requireAdmin(req, 'volume_extension:types_extra_specs'),
  });

  app.get<{ Params: IdParams }>(`${P}/types/:id/os-volume-type-access`, async (req) => {
    requireAdmin(req, 'volume_extension:volume_type_access');
    const t = find(req, req.params.id);
    if (t.is_public) throw notFound(`Access list not available for public volume types.`);
    return { volume_type_access: t.projects.map((p) => ({ volume_type_id: t.id, project_id: p })) };
  });

  app.post<{ Params: IdParams; Body: { addProjectAccess?: { project: string }; removeProjectAccess?: { project: string } } }>(
    `${P}/types/:id/action`,
    { schema: { body: accessBody } },
    async (req, reply) => {
      requireAdmin(req, 'volume_extension:volume_type_access');
      const t = find(req, req.params.id);
      if (t.is_public) throw badRequest('Invalid volume type: Type access modification is not applicable to public volume type.');
      const add = req.body.addProjectAccess?.project;
      const remove = req.body.removeProjectAccess?.project;
      if (add) {
        if (t.projects.includes(add)) throw conflict(`Volume type access for ${t.id} / ${add} combination already exists.`);
        t.projects.push(add);
      }
      if (remove) {
        if (!t.projects.includes(remove)) throw notFound(`Volume type access not found for ${t.id} / ${remove} combination.`);
        t.projects = t.projects.filter((p) => p !== remove);
      }
      cinder.types.put(t);
      return reply.code(202).send();
    },
  );
}
