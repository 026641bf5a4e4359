import type { FastifyInstance } from 'fastify';
import { hexId } from '../../ids.js';
import type { SiteHost } from '../../host.js';
import type { RoleRecord } from '../records.js';
import { applyFilters, duplicate, enforce, envelope, invalid, listBody, must, t, type IdParams, type Query } from './common.js';
import { views } from './views.js';

const createSchema = envelope('role', { name: t.name, domain_id: t.optId, description: t.description, options: t.options }, { required: ['name'] });
const updateSchema = envelope('role', { name: t.name, domain_id: t.optId, description: t.description, options: t.options }, { minProperties: 1 });

interface RoleBody {
  role: { name?: string; domain_id?: string | null; description?: string | null };
}

const roleFilters = {
  name: (r: RoleRecord) => r.name,
  domain_id: (r: RoleRecord) => r.domain_id ?? '',
  id: (r: RoleRecord) => r.id,
};

/** /v3/roles. Deleting a role removes its assignments and the tokens that carried it. */
export function registerRoleRoutes(app: FastifyInstance, site: SiteHost): void {
  const ks = site.keystone;
  const v = views(site);
  const get = (id: string) => must(ks.roles.get(id), 'role', id);
  const unique = (name: string, domainId: string | null, id?: string) => {
    if (ks.roles.find((r) => r.name === name && r.domain_id === domainId && r.id !== id)) throw duplicate('role', `name ${name}`);
  };

  app.get<{ Querystring: Query }>('/v3/roles', async (req) => {
    enforce(req, 'identity:list_roles');
    // Keystone lists global roles unless asked for a domain's.
    const docs = applyFilters(ks.roles.list(), { domain_id: '', ...req.query }, roleFilters);
    return listBody(site, 'roles', '/roles', docs.map(v.role));
  });

  app.post<{ Body: RoleBody }>('/v3/roles', { schema: { body: createSchema } }, async (req, reply) => {
    enforce(req, 'identity:create_role');
    const b = req.body.role;
    const domainId = b.domain_id ?? null;
    if (domainId !== null && !ks.domains.get(domainId)) throw invalid(`Could not find domain: ${domainId}`);
    unique(b.name!, domainId);
    const r = ks.roles.insert({ id: hexId(), name: b.name!, domain_id: domainId, description: b.description ?? '' });
    reply.code(201);
    return { role: v.role(r) };
  });

  app.get<{ Params: IdParams }>('/v3/roles/:id', async (req) => {
    enforce(req, 'identity:get_role');
    return { role: v.role(get(req.params.id)) };
  });

  app.patch<{ Params: IdParams; Body: RoleBody }>('/v3/roles/:id', { schema: { body: updateSchema } }, async (req) => {
    enforce(req, 'identity:update_role');
    const r = get(req.params.id);
    const b = req.body.role;
    if (b.domain_id !== undefined && (b.domain_id ?? null) !== r.domain_id) throw invalid('Update of `domain_id` is not allowed.');
    if (b.name !== undefined) unique(b.name, r.domain_id, r.id);
    const updated = ks.roles.update(r.id, (x) => {
      if (b.name !== undefined) x.name = b.name;
      if (b.description !== undefined) x.description = b.description ?? '';
    })!;
    return { role: v.role(updated) };
  });

  app.delete<{ Params: IdParams }>('/v3/roles/:id', async (req, reply) => {
    enforce(req, 'identity:delete_role');
    const r = get(req.params.id);
    for (const a of ks.assignments.list((x) => x.role_id === r.id)) {
      ks.assignments.delete(a.id);
      ks.revokeUserTokens(a.user_id, (tok) => tok.role_ids.includes(r.id));
    }
    ks.roles.delete(r.id);
    reply.code(204).send();
  });
}
