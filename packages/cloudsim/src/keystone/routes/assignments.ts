import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import type { AssignmentRecord } from '../records.js';
import { enforce, listBody, must, truthy, type Query } from './common.js';
import { views } from './views.js';

interface GrantParams {
  target: string;
  user: string;
  role?: string;
}

type Kind = 'projects' | 'domains';

/** One row of GET /v3/role_assignments before rendering; `prior` is the role an implied one came from. */
interface Row {
  a: AssignmentRecord;
  roleId: string;
  prior?: string;
}

/**
 * User grants on projects and domains (PUT/HEAD/DELETE/GET under /v3/{projects,domains}/{id}/users/{id}/roles)
 * and GET /v3/role_assignments with Keystone's filters, effective mode and include_names.
 */
export function registerAssignmentRoutes(app: FastifyInstance, site: SiteHost): void {
  const ks = site.keystone;
  const v = views(site);

  const resolve = (kind: Kind, p: GrantParams) => {
    const target = kind === 'projects' ? { project_id: must(ks.projects.get(p.target), 'project', p.target).id } : { domain_id: must(ks.domains.get(p.target), 'domain', p.target).id };
    const user = must(ks.users.get(p.user), 'user', p.user);
    const role = p.role === undefined ? undefined : must(ks.roles.get(p.role), 'role', p.role);
    return { target, user, role };
  };
  const findGrant = (userId: string, roleId: string, target: { project_id?: string; domain_id?: string }) =>
    ks.assignments.find((a) => a.user_id === userId && a.role_id === roleId && a.project_id === target.project_id && a.domain_id === target.domain_id);

  for (const kind of ['projects', 'domains'] as const) {
    const base = `/v3/${kind}/:target/users/:user/roles`;
    app.get<{ Params: GrantParams }>(base, async (req) => {
      enforce(req, 'identity:list_grants');
      const { target, user } = resolve(kind, req.params);
      const ids = ks.assignments.list((a) => a.project_id === target.project_id && a.domain_id === target.domain_id, user.id).map((a) => a.role_id);
      const roles = [...new Set(ids)].map((id) => ks.roles.get(id)).filter((r) => r !== undefined);
      return listBody(site, 'roles', `/${kind}/${req.params.target}/users/${user.id}/roles`, roles.map(v.role));
    });
    app.put<{ Params: GrantParams }>(`${base}/:role`, async (req, reply) => {
      enforce(req, 'identity:create_grant');
      const { target, user, role } = resolve(kind, req.params);
      ks.ensureAssignment(user.id, role!.id, target);
      reply.code(204).send();
    });
    app.head<{ Params: GrantParams }>(`${base}/:role`, async (req, reply) => {
      enforce(req, 'identity:check_grant');
      const { target, user, role } = resolve(kind, req.params);
      if (!findGrant(user.id, role!.id, target)) throw notFound(`Could not find role assignment: ${role!.id}.`);
      reply.code(204).send();
    });
    app.delete<{ Params: GrantParams }>(`${base}/:role`, async (req, reply) => {
      enforce(req, 'identity:revoke_grant');
      const { target, user, role } = resolve(kind, req.params);
      const grant = findGrant(user.id, role!.id, target);
      if (!grant) throw notFound(`Could not find role assignment: ${role!.id}.`);
      ks.assignments.delete(grant.id);
      // Keystone revokes the user's tokens on that target at once.
      ks.revokeUserTokens(user.id, (tok) => (target.project_id ? tok.project_id === target.project_id : tok.domain_id === target.domain_id));
      reply.code(204).send();
    });
  }

  const domainRef = (id: string) => ({ id, name: ks.domains.get(id)?.name ?? id });

  const render = (row: Row, names: boolean) => {
    const { a, roleId } = row;
    const kind = a.project_id !== undefined ? 'projects' : 'domains';
    const targetId = (a.project_id ?? a.domain_id)!;
    const links: Record<string, string> = { assignment: `${site.authUrl}/${kind}/${targetId}/users/${a.user_id}/roles/${row.prior ?? roleId}` };
    if (row.prior) links.prior_role = `${site.authUrl}/roles/${row.prior}`;
    if (!names) {
      const scope = a.project_id !== undefined ? { project: { id: a.project_id } } : { domain: { id: a.domain_id } };
      return { role: { id: roleId }, user: { id: a.user_id }, scope, links };
    }
    const role = ks.roles.get(roleId);
    const user = ks.users.get(a.user_id);
    const project = a.project_id !== undefined ? ks.projects.get(a.project_id) : undefined;
    const scope = project
      ? { project: { id: project.id, name: project.name, domain: domainRef(project.domain_id) } }
      : { domain: domainRef(targetId) };
    return {
      role: { id: roleId, name: role?.name ?? roleId, ...(role?.domain_id ? { domain: domainRef(role.domain_id) } : {}) },
      user: { id: a.user_id, name: user?.name ?? a.user_id, domain: domainRef(user?.domain_id ?? '') },
      scope,
      links,
    };
  };

  app.get<{ Querystring: Query }>('/v3/role_assignments', async (req: FastifyRequest<{ Querystring: Query }>) => {
    const q = req.query;
    const one = (key: string) => {
      const value = q[key];
      return Array.isArray(value) ? value[0] : value;
    };
    const userId = one('user.id');
    // A user may list their own assignments; anything wider needs admin.
    enforce(req, 'identity:list_role_assignments', userId !== undefined && userId === req.auth!.userId);
    // This simulator has no groups, system scope or inheritance: such queries match nothing.
    if (one('group.id') !== undefined || one('scope.system') !== undefined || one('scope.OS-INHERIT:inherited_to') !== undefined) {
      return listBody(site, 'role_assignments', '/role_assignments', []);
    }
    const projectId = one('scope.project.id');
    const domainId = one('scope.domain.id');
    const roleId = one('role.id');
    const effective = q.effective !== undefined && truthy(q.effective);
    const rows: Row[] = [];
    for (const a of ks.assignments.list(undefined, userId)) {
      if (projectId !== undefined && a.project_id !== projectId) continue;
      if (domainId !== undefined && a.domain_id !== domainId) continue;
      rows.push({ a, roleId: a.role_id });
      if (effective) {
        for (const implied of ks.withImplied([a.role_id])) if (implied !== a.role_id) rows.push({ a, roleId: implied, prior: a.role_id });
      }
    }
    const names = q.include_names !== undefined && truthy(q.include_names);
    const out = rows.filter((r) => roleId === undefined || r.roleId === roleId).map((r) => render(r, names));
    return listBody(site, 'role_assignments', '/role_assignments', out);
  });
}
