import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { isoMicros } from '../../timestamps.js';
import { badRequest, forbidden, notFound, unauthorized } from '../../http/errors.js';
import { hexId } from '../../ids.js';
import type { SiteHost } from '../../host.js';
import type { KeystoneModel } from '../model.js';
import { hashSecret, verifySecret } from '../password.js';
import type { ApplicationCredentialRecord, UserRecord } from '../records.js';
import { applyFilters, duplicate, enforce, envelope, invalid, listBody, must, parseExpiry, policyDenied, t, type Query } from './common.js';
import { identityMethods } from './auth.js';
import { views } from './views.js';

const roleRef = { type: 'object', properties: { id: t.id, name: t.name, domain_id: t.optId }, additionalProperties: false };
// Keystone's application credential schema rejects unknown attributes.
const createSchema = envelope(
  'application_credential',
  {
    name: t.name,
    description: t.description,
    secret: { type: ['string', 'null'], minLength: 1, maxLength: 4096 },
    expires_at: t.timestamp,
    roles: { type: ['array', 'null'], maxItems: 64, items: roleRef },
    unrestricted: { type: ['boolean', 'null'] },
    access_rules: { type: ['array', 'null'], maxItems: 0 },
  },
  { required: ['name'], additional: false },
);

interface CreateBody {
  application_credential: {
    name: string;
    description?: string | null;
    secret?: string | null;
    expires_at?: string | null;
    roles?: { id?: string; name?: string; domain_id?: string | null }[] | null;
    unrestricted?: boolean | null;
  };
}

interface Params {
  user: string;
  id: string;
}

const expired = (ks: KeystoneModel, ac: ApplicationCredentialRecord) =>
  ac.expires_at !== null && (parseExpiry(ac.expires_at, 'expires_at') ?? Infinity) <= ks.ctx.clock.now();

/** The `application_credential` auth method: by id, or by name with the owning user. */
function registerAuthMethod(): void {
  identityMethods.application_credential = (ks, identity) => {
    const c = identity.application_credential;
    if (!c) throw badRequest("Invalid input for field 'identity': 'application_credential' is a required property");
    let ac: ApplicationCredentialRecord | undefined;
    if (c.id !== undefined) ac = ks.appCredentials.get(c.id);
    else {
      if (c.name === undefined || !c.user) throw badRequest("Invalid input for field 'application_credential': 'id' or 'name' with 'user' is required");
      let user: UserRecord | undefined;
      if (c.user.id !== undefined) user = ks.users.get(c.user.id);
      else {
        const domain = ks.resolveDomain(c.user.domain);
        user = domain && c.user.name !== undefined ? ks.findUser(c.user.name, domain.id) : undefined;
      }
      ac = user ? ks.appCredentials.find((x) => x.user_id === user.id && x.name === c.name) : undefined;
    }
    if (!ac || !verifySecret(c.secret, ac.secret_hash) || expired(ks, ac)) throw unauthorized('The request you have made requires authentication.');
    const user = ks.users.get(ac.user_id);
    if (!user?.enabled || !ks.projects.get(ac.project_id)?.enabled) throw unauthorized('The request you have made requires authentication.');
    // The credential keeps only the roles its user still holds on the project.
    const held = new Set(ks.rolesOn(user.id, { project_id: ac.project_id }));
    const roleIds = ac.role_ids.filter((id) => held.has(id));
    if (roleIds.length === 0) throw unauthorized(`User ${user.id} has no access to project ${ac.project_id}`);
    return {
      user,
      methods: ['application_credential'],
      applicationCredentialId: ac.id,
      appCredProjectId: ac.project_id,
      appCredRoleIds: roleIds,
      expiresAt: parseExpiry(ac.expires_at, 'expires_at') ?? undefined,
    };
  };
}

/** /v3/users/{user_id}/application_credentials and the auth method that uses them. */
export function registerAppCredentialRoutes(app: FastifyInstance, site: SiteHost): void {
  registerAuthMethod();
  const ks = site.keystone;
  const v = views(site);
  const base = '/v3/users/:user/application_credentials';
  const get = (p: Params) => {
    const ac = ks.appCredentials.get(p.id);
    if (!ac || ac.user_id !== p.user) throw notFound(`Could not find Application Credential: ${p.id}.`);
    return ac;
  };

  app.post<{ Params: Params; Body: CreateBody }>(base, { schema: { body: createSchema } }, async (req, reply) => {
    // Owner only, even for admins (Keystone's rule is user_id:%(user_id)s).
    const auth = req.auth!;
    if (auth.userId !== req.params.user) throw policyDenied('identity:create_application_credential');
    if (!auth.projectId) throw badRequest('Application credentials must be created with a project-scoped token.');
    if (auth.trustId) throw forbidden('Using trust-scoped tokens to create application credentials is not allowed.');
    const tokenRec = ks.tokens.get(auth.token);
    const from = tokenRec?.application_credential_id ? ks.appCredentials.get(tokenRec.application_credential_id) : undefined;
    if (from && !from.unrestricted) {
      throw forbidden("Using method 'application_credential' is not allowed for managing additional application credentials.");
    }
    const b = req.body.application_credential;
    if (ks.appCredentials.find((x) => x.user_id === auth.userId && x.name === b.name)) throw duplicate('application_credential', `name ${b.name}`);
    const expiresMs = parseExpiry(b.expires_at, 'expires_at');
    if (expiresMs !== null && expiresMs <= ks.ctx.clock.now()) throw invalid('expires_at must be in the future');
    // Roles default to the creating token's; any asked for must be among them.
    // Tokens from an external Keystone are not stored here; their role names still resolve.
    const tokenRoles = tokenRec?.role_ids ?? auth.roles.map((n) => ks.roles.find((r) => r.name === n && r.domain_id === null)?.id).filter((id) => id !== undefined);
    let roleIds = tokenRoles;
    if (b.roles && b.roles.length > 0) {
      roleIds = b.roles.map((r) => {
        const role = r.id !== undefined ? ks.roles.get(r.id) : ks.roles.find((x) => x.name === r.name && x.domain_id === (r.domain_id ?? null));
        if (!role || !tokenRoles.includes(role.id)) throw notFound(`Could not find role assignment with role: ${r.id ?? r.name}, user or group: ${auth.userId}, project, domain, or system: ${auth.projectId}.`);
        return role.id;
      });
    }
    const secret = b.secret ?? randomBytes(64).toString('base64url');
    const ac = ks.appCredentials.insert({
      id: hexId(),
      name: b.name,
      user_id: auth.userId,
      project_id: auth.projectId,
      secret_hash: hashSecret(secret),
      description: b.description ?? '',
      expires_at: expiresMs === null ? null : isoMicros(expiresMs),
      unrestricted: b.unrestricted ?? false,
      role_ids: [...new Set(roleIds)],
    });
    reply.code(201);
    return { application_credential: { ...v.appCredential(ac), secret } };
  });

  app.get<{ Params: Params; Querystring: Query }>(base, async (req) => {
    enforce(req, 'identity:list_application_credentials', req.auth!.userId === req.params.user);
    must(ks.users.get(req.params.user), 'user', req.params.user);
    const docs = applyFilters(ks.appCredentials.list(undefined, req.params.user), req.query, { name: (a: ApplicationCredentialRecord) => a.name });
    return listBody(site, 'application_credentials', `/users/${req.params.user}/application_credentials`, docs.map(v.appCredential));
  });

  app.get<{ Params: Params }>(`${base}/:id`, async (req) => {
    enforce(req, 'identity:get_application_credential', req.auth!.userId === req.params.user);
    return { application_credential: v.appCredential(get(req.params)) };
  });

  app.delete<{ Params: Params }>(`${base}/:id`, async (req, reply) => {
    enforce(req, 'identity:delete_application_credential', req.auth!.userId === req.params.user);
    const ac = get(req.params);
    const tokenRec = ks.tokens.get(req.auth!.token);
    const from = tokenRec?.application_credential_id ? ks.appCredentials.get(tokenRec.application_credential_id) : undefined;
    if (from && !from.unrestricted) {
      throw forbidden("Using method 'application_credential' is not allowed for managing additional application credentials.");
    }
    ks.appCredentials.delete(ac.id);
    reply.code(204).send();
  });
}
