import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, notFound, unauthorized } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';
import type { KeystoneModel } from '../model.js';
import type { TokenRecord, UserRecord } from '../records.js';

interface NamedRef {
  id?: string;
  name?: string;
  domain?: { id?: string; name?: string };
}

interface AuthBody {
  auth: {
    identity: {
      methods: string[];
      password?: { user: NamedRef & { password: string } };
      token?: { id: string };
      application_credential?: { id?: string; name?: string; secret: string; user?: NamedRef };
    };
    scope?: 'unscoped' | { project?: NamedRef; domain?: { id?: string; name?: string }; 'OS-TRUST:trust'?: { id: string }; system?: unknown };
  };
}

const ref = {
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 64 },
    name: { type: 'string', maxLength: 255 },
    domain: { type: 'object', properties: { id: { type: 'string', maxLength: 64 }, name: { type: 'string', maxLength: 255 } } },
  },
} as const;

const authSchema = {
  type: 'object',
  required: ['auth'],
  properties: {
    auth: {
      type: 'object',
      required: ['identity'],
      properties: {
        identity: {
          type: 'object',
          required: ['methods'],
          properties: {
            methods: { type: 'array', minItems: 1, items: { type: 'string', enum: ['password', 'token', 'application_credential'] } },
            password: {
              type: 'object',
              required: ['user'],
              properties: { user: { ...ref, required: ['password'], properties: { ...ref.properties, password: { type: 'string', maxLength: 4096 } } } },
            },
            token: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 1024 } } },
            application_credential: {
              type: 'object',
              required: ['secret'],
              properties: { id: { type: 'string', maxLength: 64 }, name: { type: 'string', maxLength: 255 }, secret: { type: 'string', maxLength: 4096 }, user: ref },
            },
          },
        },
        scope: {
          anyOf: [
            { type: 'string', enum: ['unscoped'] },
            {
              type: 'object',
              properties: {
                project: ref,
                domain: ref,
                'OS-TRUST:trust': { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
                system: { type: 'object' },
              },
            },
          ],
        },
      },
    },
  },
} as const;

/** Who authenticated and how: the result of the identity part of POST /v3/auth/tokens. */
export interface Identity {
  user: UserRecord;
  methods: string[];
  /** A token used for re-scoping keeps its audit chain and expiry. */
  fromToken?: TokenRecord;
  /** Extra restrictions carried by application credentials. */
  applicationCredentialId?: string;
  appCredProjectId?: string;
  appCredRoleIds?: string[];
  /** Latest expiry the method allows (an application credential's own). */
  expiresAt?: number;
}

/** Pluggable identity methods; app-credentials.ts adds application_credential when registered. */
export type IdentityMethod = (ks: KeystoneModel, body: AuthBody['auth']['identity']) => Identity;

export const identityMethods: Record<string, IdentityMethod> = {
  password: (ks, identity) => {
    const u = identity.password?.user;
    if (!u) throw badRequest("Invalid input for field 'identity': 'password' is a required property");
    let user: UserRecord | undefined;
    if (u.id !== undefined) user = ks.users.get(u.id);
    else {
      if (u.name === undefined) throw badRequest("Invalid input for field 'user': 'id' or 'name' is required");
      const domain = ks.resolveDomain(u.domain);
      if (!domain) throw unauthorized('The request you have made requires authentication.');
      user = ks.findUser(u.name, domain.id);
    }
    if (!user || !user.enabled || !ks.checkPassword(user, u.password)) {
      throw unauthorized('The request you have made requires authentication.');
    }
    return { user, methods: ['password'] };
  },
  token: (ks, identity) => {
    const rec = identity.token ? ks.liveToken(identity.token.id) : undefined;
    if (!rec) throw notFound('Failed to validate token');
    const user = ks.users.get(rec.user_id);
    if (!user) throw unauthorized();
    return { user, methods: [...new Set(['token', ...rec.methods])], fromToken: rec };
  },
};

/** Pluggable scope handling for OS-TRUST; set by the trusts module. */
export type TrustScoper = (ks: KeystoneModel, identity: Identity, trustId: string) => Omit<Parameters<KeystoneModel['issueToken']>[0], 'methods'>;
export const scopers: { trust?: TrustScoper } = {};

function issue(ks: KeystoneModel, body: AuthBody): TokenRecord {
  const identity = body.auth.identity;
  const methods = identity.methods;
  const method = methods.find((m) => identityMethods[m]);
  if (!method) throw unauthorized('The request you have made requires authentication.');
  const who = identityMethods[method]!(ks, identity);
  const scope = body.auth.scope;
  const common = {
    userId: who.user.id,
    methods: who.methods,
    expiresAt: who.fromToken?.expires_at ?? who.expiresAt,
    auditIds: who.fromToken?.audit_ids.slice(0, 1),
    applicationCredentialId: who.applicationCredentialId,
  };

  if (who.appCredProjectId) {
    // Application credentials are always scoped to their project with their own roles.
    if (scope !== undefined && scope !== 'unscoped') throw unauthorized('Application credentials cannot request a scope.');
    return ks.issueToken({ ...common, projectId: who.appCredProjectId, roleIds: ks.withImplied(who.appCredRoleIds ?? []) });
  }
  if (who.fromToken?.trust_id) throw badRequest('Trust-scoped tokens cannot be rescoped.');

  if (scope === undefined || scope === 'unscoped') {
    // Keystone scopes to the user's default project when asked for nothing and one is set.
    const def = who.user.default_project_id;
    if (scope === undefined && def && ks.projects.get(def)?.enabled) {
      const roleIds = ks.rolesOn(who.user.id, { project_id: def });
      if (roleIds.length > 0) return ks.issueToken({ ...common, projectId: def, roleIds });
    }
    return ks.issueToken({ ...common, roleIds: [] });
  }
  if (scope['OS-TRUST:trust']) {
    if (!scopers.trust) throw unauthorized('Trusts are not supported.');
    return ks.issueToken({ ...scopers.trust(ks, who, scope['OS-TRUST:trust'].id), methods: who.methods });
  }
  if (scope.project) {
    const p = scope.project;
    let project;
    if (p.id !== undefined) project = ks.projects.get(p.id);
    else {
      const domain = ks.resolveDomain(p.domain);
      if (!domain || p.name === undefined) throw unauthorized('Could not find project.');
      project = ks.projects.find((x) => x.name === p.name && x.domain_id === domain.id);
    }
    if (!project || !project.enabled) throw unauthorized(`User ${who.user.id} has no access to project ${p.id ?? p.name}`);
    const roleIds = ks.rolesOn(who.user.id, { project_id: project.id });
    if (roleIds.length === 0) throw unauthorized(`User ${who.user.id} has no access to project ${project.id}`);
    return ks.issueToken({ ...common, projectId: project.id, roleIds });
  }
  if (scope.domain) {
    const domain = ks.resolveDomain(scope.domain);
    if (!domain || !domain.enabled) throw unauthorized('Could not find domain.');
    const roleIds = ks.rolesOn(who.user.id, { domain_id: domain.id });
    if (roleIds.length === 0) throw unauthorized(`User ${who.user.id} has no access to domain ${domain.id}`);
    return ks.issueToken({ ...common, domainId: domain.id, roleIds });
  }
  throw badRequest("Invalid input for field 'scope': expected a project, a domain or OS-TRUST:trust");
}

function subjectToken(req: FastifyRequest): string {
  const t = req.headers['x-subject-token'];
  if (typeof t !== 'string' || t === '') throw badRequest('X-Subject-Token header is required');
  return t;
}

/**
 * Token validation rules: a user may always check their own token; checking another's needs
 * the admin or service role (identity:validate_token).
 */
function mayValidate(req: FastifyRequest, subject: string): boolean {
  const a = req.auth!;
  return a.token === subject || a.roles.includes('admin') || a.roles.includes('service');
}

/** POST/GET/HEAD/DELETE /v3/auth/tokens and GET /v3/auth/catalog. */
export function registerAuthRoutes(app: FastifyInstance, site: SiteHost): void {
  const ks = site.keystone;

  app.post<{ Body: AuthBody; Querystring: { nocatalog?: string } }>(
    '/v3/auth/tokens',
    { config: { auth: false }, schema: { body: authSchema } },
    async (req, reply) => {
      const rec = issue(ks, req.body);
      reply.code(201).header('X-Subject-Token', rec.id);
      return ks.tokenBody(rec, req.query.nocatalog === undefined);
    },
  );

  const validate = (req: FastifyRequest) => {
    const subject = subjectToken(req);
    if (!mayValidate(req, subject)) throw notFound('Failed to validate token');
    const rec = ks.liveToken(subject);
    if (!rec) throw notFound('Failed to validate token');
    return rec;
  };

  app.get<{ Querystring: { nocatalog?: string } }>('/v3/auth/tokens', async (req, reply) => {
    const rec = validate(req);
    reply.header('X-Subject-Token', rec.id);
    return ks.tokenBody(rec, req.query.nocatalog === undefined);
  });

  app.head('/v3/auth/tokens', async (req, reply) => {
    validate(req);
    reply.code(200).send();
  });

  app.delete('/v3/auth/tokens', async (req, reply) => {
    const subject = subjectToken(req);
    if (!mayValidate(req, subject) || !ks.liveToken(subject)) throw notFound('Failed to validate token');
    ks.revokeToken(subject);
    reply.code(204).send();
  });

  app.get('/v3/auth/catalog', async (req) => ({ catalog: ks.catalog(req.auth?.projectId), links: { self: `${site.authUrl}/auth/catalog`, previous: null, next: null } }));
}
