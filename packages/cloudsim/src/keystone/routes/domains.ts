import type { FastifyInstance } from 'fastify';
import { forbidden } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import { DEFAULT_DOMAIN_ID } from '../model.js';
import { applyFilters, duplicate, enforce, envelope, must, t, type IdParams, type Query, listBody } from './common.js';
import { views } from './views.js';

const createSchema = envelope('domain', { name: t.shortName, description: t.description, enabled: t.enabled, tags: t.tags, options: t.options, explicit_domain_id: t.id }, { required: ['name'] });
const updateSchema = envelope('domain', { name: t.shortName, description: t.description, enabled: t.enabled, tags: t.tags, options: t.options }, { minProperties: 1 });

interface DomainBody {
  domain: { name?: string; description?: string | null; enabled?: boolean; tags?: string[] };
}

/** /v3/domains. A domain must be disabled before it can be deleted; deleting it removes what it owns. */
export function registerDomainRoutes(app: FastifyInstance, site: SiteHost): void {
  const ks = site.keystone;
  const v = views(site);
  const get = (id: string) => must(ks.domains.get(id), 'domain', id);
  const unique = (name: string, id?: string) => {
    if (ks.domains.find((d) => d.name === name && d.id !== id)) throw duplicate('domain', `name ${name}`);
  };

  app.get<{ Querystring: Query }>('/v3/domains', async (req) => {
    enforce(req, 'identity:list_domains');
    const docs = applyFilters(ks.domains.list(), req.query, { name: (d) => d.name, enabled: (d) => d.enabled, id: (d) => d.id });
    return listBody(site, 'domains', '/domains', docs.map(v.domain));
  });

  app.post<{ Body: DomainBody }>('/v3/domains', { schema: { body: createSchema } }, async (req, reply) => {
    enforce(req, 'identity:create_domain');
    const b = req.body.domain;
    unique(b.name!);
    const d = ks.createDomain({ name: b.name!, description: b.description ?? '', enabled: b.enabled, tags: b.tags });
    reply.code(201);
    return { domain: v.domain(d) };
  });

  app.get<{ Params: IdParams }>('/v3/domains/:id', async (req) => {
    const a = req.auth!;
    const id = req.params.id;
    // identity:get_domain also lets a user read the domain their token is scoped to or in.
    enforce(req, 'identity:get_domain', a.domainId === id || a.projectDomainId === id);
    return { domain: v.domain(get(id)) };
  });

  app.patch<{ Params: IdParams; Body: DomainBody }>('/v3/domains/:id', { schema: { body: updateSchema } }, async (req) => {
    enforce(req, 'identity:update_domain');
    const d = get(req.params.id);
    const b = req.body.domain;
    if (b.name !== undefined) unique(b.name, d.id);
    if (d.id === DEFAULT_DOMAIN_ID && b.enabled === false) throw forbidden('The default domain cannot be disabled.');
    const updated = ks.domains.update(d.id, (x) => {
      if (b.name !== undefined) x.name = b.name;
      if (b.description !== undefined) x.description = b.description ?? '';
      if (b.enabled !== undefined) x.enabled = b.enabled;
      if (b.tags !== undefined) x.tags = b.tags;
    })!;
    return { domain: v.domain(updated) };
  });

  app.delete<{ Params: IdParams }>('/v3/domains/:id', async (req, reply) => {
    enforce(req, 'identity:delete_domain');
    const d = get(req.params.id);
    if (d.enabled) throw forbidden('Cannot delete a domain that is enabled, please disable it first.');
    for (const p of ks.projects.list(undefined, d.id)) ks.deleteProject(p.id);
    for (const u of ks.users.list(undefined, d.id)) ks.deleteUser(u.id);
    for (const a of ks.assignments.list((x) => x.domain_id === d.id)) ks.assignments.delete(a.id);
    ks.domains.delete(d.id);
    reply.code(204).send();
  });
}
