import type { FastifyInstance } from 'fastify';
import { forbidden } from '../../http/errors.js';
import { hexId } from '../../ids.js';
import type { SiteHost } from '../../host.js';
import { DEFAULT_DOMAIN_ID } from '../model.js';
import type { ProjectRecord } from '../records.js';
import { applyFilters, duplicate, enforce, envelope, invalid, listBody, must, t, type IdParams, type Query } from './common.js';
import { views } from './views.js';

const fields = { name: t.shortName, description: t.description, enabled: t.enabled, tags: t.tags, options: t.options, is_domain: { type: 'boolean' } };
const createSchema = envelope('project', { ...fields, domain_id: t.optId, parent_id: t.optId }, { required: ['name'] });
const updateSchema = envelope('project', { ...fields, domain_id: t.optId, parent_id: t.optId }, { minProperties: 1 });

interface ProjectBody {
  project: { name?: string; description?: string | null; enabled?: boolean; tags?: string[]; domain_id?: string | null; parent_id?: string | null; is_domain?: boolean };
}

export const projectFilters = {
  name: (p: ProjectRecord) => p.name,
  domain_id: (p: ProjectRecord) => p.domain_id,
  enabled: (p: ProjectRecord) => p.enabled,
  parent_id: (p: ProjectRecord) => p.parent_id,
  is_domain: (p: ProjectRecord) => p.is_domain,
  id: (p: ProjectRecord) => p.id,
};

/** /v3/projects, /v3/users/{id}/projects and /v3/auth/projects (the caller's own). */
export function registerProjectRoutes(app: FastifyInstance, site: SiteHost): void {
  const ks = site.keystone;
  const v = views(site);
  const get = (id: string) => must(ks.projects.get(id), 'project', id);
  const unique = (name: string, domainId: string, id?: string) => {
    if (ks.projects.find((p) => p.name === name && p.domain_id === domainId && p.id !== id)) {
      throw duplicate('project', `name ${name} at domain ID ${domainId}`);
    }
  };

  app.get<{ Querystring: Query }>('/v3/projects', async (req) => {
    enforce(req, 'identity:list_projects');
    return listBody(site, 'projects', '/projects', applyFilters(ks.projects.list(), req.query, projectFilters).map(v.project));
  });

  app.post<{ Body: ProjectBody }>('/v3/projects', { schema: { body: createSchema } }, async (req, reply) => {
    const auth = enforce(req, 'identity:create_project');
    const b = req.body.project;
    if (b.is_domain) throw invalid('projects acting as domains are not supported by this simulator');
    let domainId = b.domain_id ?? undefined;
    if (b.parent_id) {
      const parentDomain = ks.projects.get(b.parent_id)?.domain_id ?? ks.domains.get(b.parent_id)?.id;
      if (parentDomain === undefined) throw invalid(`Could not find parent: ${b.parent_id}`);
      if (domainId !== undefined && domainId !== parentDomain) throw invalid('The project must be in the same domain as its parent');
      domainId = parentDomain;
    }
    // Keystone defaults to the token's domain (its project's domain), then to Default.
    domainId ??= auth.domainId ?? auth.projectDomainId ?? DEFAULT_DOMAIN_ID;
    if (!ks.domains.get(domainId)) throw invalid(`Could not find domain: ${domainId}`);
    unique(b.name!, domainId);
    const p = ks.projects.insert({
      id: hexId(),
      name: b.name!,
      domain_id: domainId,
      parent_id: b.parent_id ?? domainId,
      description: b.description ?? '',
      enabled: b.enabled ?? true,
      is_domain: false,
      tags: b.tags ?? [],
    });
    reply.code(201);
    return { project: v.project(p) };
  });

  app.get<{ Params: IdParams }>('/v3/projects/:id', async (req) => {
    enforce(req, 'identity:get_project', req.auth!.projectId === req.params.id);
    return { project: v.project(get(req.params.id)) };
  });

  app.patch<{ Params: IdParams; Body: ProjectBody }>('/v3/projects/:id', { schema: { body: updateSchema } }, async (req) => {
    enforce(req, 'identity:update_project');
    const p = get(req.params.id);
    const b = req.body.project;
    if (b.domain_id != null && b.domain_id !== p.domain_id) throw invalid('Update of `domain_id` is not allowed.');
    if (b.parent_id != null && b.parent_id !== p.parent_id) throw invalid('Update of `parent_id` is not allowed.');
    if (b.is_domain !== undefined && b.is_domain !== p.is_domain) throw invalid('Update of `is_domain` is not allowed.');
    if (b.name !== undefined) unique(b.name, p.domain_id, p.id);
    const updated = ks.projects.update(p.id, (x) => {
      if (b.name !== undefined) x.name = b.name;
      if (b.description !== undefined) x.description = b.description ?? '';
      if (b.enabled !== undefined) x.enabled = b.enabled;
      if (b.tags !== undefined) x.tags = b.tags;
    })!;
    return { project: v.project(updated) };
  });

  app.delete<{ Params: IdParams }>('/v3/projects/:id', async (req, reply) => {
    enforce(req, 'identity:delete_project');
    const p = get(req.params.id);
    if (ks.projects.find((x) => x.parent_id === p.id)) throw forbidden('Cannot delete the project because it is not a leaf in the hierarchy.');
    ks.deleteProject(p.id);
    reply.code(204).send();
  });

  app.get<{ Params: IdParams; Querystring: Query }>('/v3/users/:id/projects', async (req) => {
    enforce(req, 'identity:list_user_projects', req.auth!.userId === req.params.id);
    must(ks.users.get(req.params.id), 'user', req.params.id);
    const docs = applyFilters(ks.userProjects(req.params.id), req.query, projectFilters);
    return listBody(site, 'projects', `/users/${req.params.id}/projects`, docs.map(v.project));
  });

  // Any token may list the projects and domains its user can scope to.
  app.get('/v3/auth/projects', async (req) => {
    const docs = ks.userProjects(req.auth!.userId).filter((p) => p.enabled);
    return listBody(site, 'projects', '/auth/projects', docs.map(v.project));
  });

  app.get('/v3/auth/domains', async (req) => {
    const docs = ks.userDomains(req.auth!.userId).filter((d) => d.enabled);
    return listBody(site, 'domains', '/auth/domains', docs.map(v.domain));
  });
}
