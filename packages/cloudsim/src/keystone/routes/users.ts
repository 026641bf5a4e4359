import type { FastifyInstance } from 'fastify';
import { unauthorized } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import { DEFAULT_DOMAIN_ID } from '../model.js';
import type { UserRecord } from '../records.js';
import { applyFilters, duplicate, enforce, envelope, invalid, listBody, must, t, type IdParams, type Query } from './common.js';
import { views } from './views.js';

const fields = {
  name: t.name,
  password: t.password,
  enabled: t.enabled,
  description: t.description,
  email: { type: ['string', 'null'], maxLength: 255 },
  default_project_id: t.optId,
  domain_id: t.optId,
  options: t.options,
};
const createSchema = envelope('user', fields, { required: ['name'] });
const updateSchema = envelope('user', fields, { minProperties: 1 });
// Keystone's password-change schema is strict: both passwords, nothing else.
const passwordSchema = envelope(
  'user',
  { password: { type: 'string', minLength: 1, maxLength: 4096 }, original_password: { type: 'string', maxLength: 4096 } },
  { required: ['password', 'original_password'], additional: false },
);

interface UserBody {
  user: { name?: string; password?: string | null; enabled?: boolean; description?: string | null; email?: string | null; default_project_id?: string | null; domain_id?: string | null };
}

const userFilters = {
  name: (u: UserRecord) => u.name,
  domain_id: (u: UserRecord) => u.domain_id,
  enabled: (u: UserRecord) => u.enabled,
  id: (u: UserRecord) => u.id,
};

/** /v3/users and POST /v3/users/{id}/password. */
export function registerUserRoutes(app: FastifyInstance, site: SiteHost): void {
  const ks = site.keystone;
  const v = views(site);
  const get = (id: string) => must(ks.users.get(id), 'user', id);
  const unique = (name: string, domainId: string, id?: string) => {
    if (ks.users.find((u) => u.name === name && u.domain_id === domainId && u.id !== id)) {
      throw duplicate('user', `name ${name} at domain ID ${domainId}`);
    }
  };
  const checkProject = (id: string | null | undefined) => {
    if (id && !ks.projects.get(id)) throw invalid(`Could not find project: ${id}`);
  };

  app.get<{ Querystring: Query }>('/v3/users', async (req) => {
    enforce(req, 'identity:list_users');
    return listBody(site, 'users', '/users', applyFilters(ks.users.list(), req.query, userFilters).map(v.user));
  });

  app.post<{ Body: UserBody }>('/v3/users', { schema: { body: createSchema } }, async (req, reply) => {
    const auth = enforce(req, 'identity:create_user');
    const b = req.body.user;
    const domainId = b.domain_id ?? auth.domainId ?? auth.projectDomainId ?? DEFAULT_DOMAIN_ID;
    if (!ks.domains.get(domainId)) throw invalid(`Could not find domain: ${domainId}`);
    checkProject(b.default_project_id);
    unique(b.name!, domainId);
    const u = ks.createUser({
      name: b.name!,
      password: b.password ?? undefined,
      domain_id: domainId,
      default_project_id: b.default_project_id ?? undefined,
      email: b.email ?? undefined,
      description: b.description ?? undefined,
      enabled: b.enabled,
    });
    reply.code(201);
    return { user: v.user(u) };
  });

  app.get<{ Params: IdParams }>('/v3/users/:id', async (req) => {
    enforce(req, 'identity:get_user', req.auth!.userId === req.params.id);
    return { user: v.user(get(req.params.id)) };
  });

  app.patch<{ Params: IdParams; Body: UserBody }>('/v3/users/:id', { schema: { body: updateSchema } }, async (req) => {
    enforce(req, 'identity:update_user');
    const u = get(req.params.id);
    const b = req.body.user;
    if (b.domain_id != null && b.domain_id !== u.domain_id) throw invalid('Update of `domain_id` is not allowed.');
    if (b.name !== undefined) unique(b.name, u.domain_id, u.id);
    checkProject(b.default_project_id);
    if (typeof b.password === 'string') ks.setPassword(u.id, b.password);
    const updated = ks.users.update(u.id, (x) => {
      if (b.name !== undefined) x.name = b.name;
      if (b.enabled !== undefined) x.enabled = b.enabled;
      if (b.description !== undefined) x.description = b.description ?? undefined;
      if (b.email !== undefined) x.email = b.email ?? undefined;
      if (b.default_project_id !== undefined) x.default_project_id = b.default_project_id ?? undefined;
    })!;
    // Disabling a user or resetting their password ends their sessions, as in Keystone.
    if (b.enabled === false || typeof b.password === 'string') ks.revokeUserTokens(u.id);
    return { user: v.user(updated) };
  });

  app.delete<{ Params: IdParams }>('/v3/users/:id', async (req, reply) => {
    enforce(req, 'identity:delete_user');
    ks.deleteUser(get(req.params.id).id);
    reply.code(204).send();
  });

  app.post<{ Params: IdParams; Body: { user: { password: string; original_password: string } } }>(
    '/v3/users/:id/password',
    { schema: { body: passwordSchema } },
    async (req, reply) => {
      // Only the user themself, proving the old password (identity:change_password).
      enforce(req, 'identity:change_password', req.auth!.userId === req.params.id);
      const u = get(req.params.id);
      if (!ks.checkPassword(u, req.body.user.original_password)) throw unauthorized('The request you have made requires authentication.');
      ks.setPassword(u.id, req.body.user.password);
      ks.revokeUserTokens(u.id);
      reply.code(204).send();
    },
  );
}
