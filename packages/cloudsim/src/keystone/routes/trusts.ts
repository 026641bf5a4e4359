import type { FastifyInstance } from 'fastify';
import { forbidden, notFound, unauthorized } from '../../http/errors.js';
import { hexId } from '../../ids.js';
import type { SiteHost } from '../../host.js';
import type { KeystoneModel } from '../model.js';
import type { TrustRecord } from '../records.js';
import { applyFilters, enforce, envelope, invalid, listBody, must, parseExpiry, t, type IdParams, type Query } from './common.js';
import { scopers } from './auth.js';
import { keystoneTime, views } from './views.js';

const roleRef = { type: 'object', properties: { id: t.id, name: t.name, domain_id: t.optId } };
const createSchema = envelope(
  'trust',
  {
    trustor_user_id: t.id,
    trustee_user_id: t.id,
    impersonation: { type: 'boolean' },
    project_id: t.optId,
    roles: { type: ['array', 'null'], maxItems: 64, items: roleRef },
    expires_at: t.timestamp,
    remaining_uses: { type: ['integer', 'null'], minimum: 1 },
    allow_redelegation: { type: ['boolean', 'null'] },
    redelegation_count: { type: ['integer', 'null'], minimum: 0 },
  },
  { required: ['trustor_user_id', 'trustee_user_id', 'impersonation'] },
);

interface TrustBody {
  trust: {
    trustor_user_id: string;
    trustee_user_id: string;
    impersonation: boolean;
    project_id?: string | null;
    roles?: { id?: string; name?: string; domain_id?: string | null }[] | null;
    expires_at?: string | null;
    remaining_uses?: number | null;
    allow_redelegation?: boolean | null;
  };
}

/** A trust that can still be used: not deleted and not expired (Keystone hides both as not found). */
function liveTrust(ks: KeystoneModel, id: string): TrustRecord | undefined {
  const tr = ks.trusts.get(id);
  if (!tr || tr.deleted) return undefined;
  const exp = parseExpiry(tr.expires_at, 'expires_at');
  if (exp !== null && exp <= ks.ctx.clock.now()) return undefined;
  return tr;
}

/** OS-TRUST scoping: only the trustee, one use consumed, the trust's roles, acting as the trustor when impersonating. */
function registerTrustScoper(): void {
  scopers.trust = (ks, who, trustId) => {
    const tr = liveTrust(ks, trustId);
    if (!tr) throw notFound(`Could not find trust: ${trustId}.`);
    if (who.user.id !== tr.trustee_user_id) throw forbidden('The authenticated user is not the trustee of this trust.');
    const trustor = ks.users.get(tr.trustor_user_id);
    if (!trustor?.enabled) throw unauthorized('The trustor of this trust is disabled or gone.');
    const held = new Set(tr.project_id ? ks.rolesOn(trustor.id, { project_id: tr.project_id }) : []);
    if (!tr.role_ids.every((id) => held.has(id))) throw forbidden('The trustor no longer holds the roles delegated by this trust.');
    if (tr.remaining_uses !== null) {
      if (tr.remaining_uses <= 0) throw forbidden(`No remaining uses for trust: ${tr.id}.`);
      ks.trusts.update(tr.id, (x) => (x.remaining_uses = (x.remaining_uses ?? 1) - 1));
    }
    return {
      userId: tr.impersonation ? tr.trustor_user_id : tr.trustee_user_id,
      projectId: tr.project_id ?? undefined,
      roleIds: ks.withImplied(tr.role_ids),
      trustId: tr.id,
      expiresAt: parseExpiry(tr.expires_at, 'expires_at') ?? undefined,
    };
  };
}

/** /v3/OS-TRUST/trusts and trust-scoped authentication. */
export function registerTrustRoutes(app: FastifyInstance, site: SiteHost): void {
  registerTrustScoper();
  const ks = site.keystone;
  const v = views(site);
  const base = '/v3/OS-TRUST/trusts';
  const get = (id: string) => must(ks.trusts.get(id), 'trust', id);
  const visible = (id: string) => {
    const tr = get(id);
    if (tr.deleted) throw notFound(`Could not find trust: ${id}.`);
    return tr;
  };
  const party = (userId: string, tr: TrustRecord) => userId === tr.trustor_user_id || userId === tr.trustee_user_id;

  app.post<{ Body: TrustBody }>(base, { schema: { body: createSchema } }, async (req, reply) => {
    const auth = req.auth!;
    const b = req.body.trust;
    if (auth.userId !== b.trustor_user_id) throw forbidden('The authenticated user should match the trustor.');
    if (auth.trustId) throw forbidden('Redelegation of trusts is not supported by this simulator.');
    must(ks.users.get(b.trustee_user_id), 'user', b.trustee_user_id);
    const projectId = b.project_id ?? undefined;
    if (projectId !== undefined) must(ks.projects.get(projectId), 'project', projectId);
    const wanted = b.roles ?? [];
    if (wanted.length > 0 && projectId === undefined) throw invalid('A trust with roles needs a project_id');
    const held = new Set(projectId ? ks.rolesOn(auth.userId, { project_id: projectId }) : []);
    const roleIds = wanted.map((r) => {
      const role = r.id !== undefined ? ks.roles.get(r.id) : ks.roles.find((x) => x.name === r.name && x.domain_id === (r.domain_id ?? null));
      if (!role) throw notFound(`Could not find role: ${r.id ?? r.name}.`);
      if (!held.has(role.id)) throw forbidden(`The trustor does not hold role ${role.name} on project ${projectId}.`);
      return role.id;
    });
    const expiresMs = parseExpiry(b.expires_at, 'expires_at');
    if (expiresMs !== null && expiresMs <= ks.ctx.clock.now()) throw invalid('expires_at must be in the future');
    const tr = ks.trusts.insert({
      id: hexId(),
      trustor_user_id: b.trustor_user_id,
      trustee_user_id: b.trustee_user_id,
      project_id: projectId ?? null,
      impersonation: b.impersonation,
      role_ids: [...new Set(roleIds)],
      expires_at: expiresMs === null ? null : keystoneTime(expiresMs),
      remaining_uses: b.remaining_uses ?? null,
      allow_redelegation: b.allow_redelegation ?? false,
      redelegation_count: 0,
      deleted: false,
    });
    reply.code(201);
    return { trust: v.trust(tr) };
  });

  app.get<{ Querystring: Query }>(base, async (req) => {
    const auth = req.auth!;
    const one = (k: string) => {
      const value = req.query[k];
      return Array.isArray(value) ? value[0] : value;
    };
    // Users may list the trusts they are party to, filtering by themself; all trusts need admin.
    const own = one('trustor_user_id') === auth.userId || one('trustee_user_id') === auth.userId;
    enforce(req, 'identity:list_trusts', own);
    const docs = applyFilters(
      ks.trusts.list((x) => !x.deleted),
      req.query,
      { trustor_user_id: (x: TrustRecord) => x.trustor_user_id, trustee_user_id: (x: TrustRecord) => x.trustee_user_id },
    );
    return listBody(site, 'trusts', '/OS-TRUST/trusts', docs.map(v.trust));
  });

  app.get<{ Params: IdParams }>(`${base}/:id`, async (req) => {
    const tr = visible(req.params.id);
    enforce(req, 'identity:get_trust', party(req.auth!.userId, tr));
    return { trust: v.trust(tr) };
  });

  app.get<{ Params: IdParams }>(`${base}/:id/roles`, async (req) => {
    const tr = visible(req.params.id);
    enforce(req, 'identity:list_roles_for_trust', party(req.auth!.userId, tr));
    return listBody(site, 'roles', `/OS-TRUST/trusts/${tr.id}/roles`, tr.role_ids.map((id) => v.roleRef(id)));
  });

  const delegatedRole = (p: IdParams & { role: string }) => {
    const tr = visible(p.id);
    if (!tr.role_ids.includes(p.role)) throw notFound(`Could not find role: ${p.role}.`);
    return tr;
  };
  app.get<{ Params: IdParams & { role: string } }>(`${base}/:id/roles/:role`, async (req) => {
    const tr = delegatedRole(req.params);
    enforce(req, 'identity:get_role_for_trust', party(req.auth!.userId, tr));
    return { role: v.roleRef(req.params.role) };
  });
  app.head<{ Params: IdParams & { role: string } }>(`${base}/:id/roles/:role`, async (req, reply) => {
    const tr = delegatedRole(req.params);
    enforce(req, 'identity:get_role_for_trust', party(req.auth!.userId, tr));
    reply.code(200).send();
  });

  app.delete<{ Params: IdParams }>(`${base}/:id`, async (req, reply) => {
    const tr = visible(req.params.id);
    enforce(req, 'identity:delete_trust', req.auth!.userId === tr.trustor_user_id);
    // Kept as deleted so its tokens fail validation (liveToken checks the flag).
    ks.trusts.update(tr.id, (x) => (x.deleted = true));
    reply.code(204).send();
  });
}
