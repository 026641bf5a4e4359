import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PEER_AUTH_HEADER, ProtectionGroupRoutes } from '@protector/contract';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PG_SORT_KEYS, ProtectionGroups, toPg } from '../../db/protection-groups.js';
import { Sites, type Site } from '../../db/sites.js';
import { TenantMappings } from '../../db/tenant-mappings.js';
import { OpenStackError, type SiteClients } from '@protector/openstack';
import type { ApiDeps } from '../deps.js';
import { ApiError, badRequest, conflict, notFound } from '../errors.js';
import { fetchPage, listBody, mapPage } from '../pagination.js';
import { RowMemo } from '../row-memo.js';
import { wantsSecrets } from '../show-secrets.js';
import { dependencyError, serviceClients, tokenClients } from './clients.js';
import { loadPg, markChanged, operationView, pgView, recordOperation, requireInSync, tenant } from './tenant.js';

/** One trust on one site: from the tenant (trustor) to that site's Protector service user. */
async function createTrust(site: Site, tenantClients: SiteClients, tokenField: string, requestId: string): Promise<{ id: string; delete: () => Promise<void> }> {
  try {
    const me = await tenantClients.session.auth();
    const trustee = await serviceClients(site, requestId).keystone.currentUserId();
    if (!me.projectId) throw new ApiError(400, `The token for site ${site.name} is not scoped to a project.`);
    const trust = await tenantClients.keystone.createTrust({ trustorUserId: me.userId, trusteeUserId: trustee, projectId: me.projectId, roles: me.roles, impersonation: true });
    return { id: trust.id, delete: () => tenantClients.keystone.deleteTrust(trust.id) };
  } catch (err) {
    // A token Keystone refuses is the caller's input, not a dependency failure.
    // Keystone answers 401, or 404 for a token it does not know, to the token method.
    if (err instanceof OpenStackError && (err.status === 401 || (err.status === 404 && err.path.endsWith('/auth/tokens')))) throw badRequest(tokenField, `Keystone of site ${site.name} did not accept the token.`);
    throw dependencyError(site, err);
  }
}

/** `/v1/{project_id}/protection-groups`: the tenant's PGs; creation and deletion are operations. */
export function registerProtectionGroups(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const pgs = new ProtectionGroups(deps.db, deps.now);
  const sites = new Sites(deps.db, deps.box, deps.now);
  const mappings = new TenantMappings(deps.db, deps.now);
  const base = (p: string) => `/v1/${p}/protection-groups`;

  app.get('/v1/:project_id/protection-groups', { schema: ProtectionGroupRoutes.list }, async (request) => {
    const { project_id } = request.params;
    tenant(deps, request, project_id, 'protector:protection_groups:list');
    const { name, status } = request.query;
    const page = await fetchPage(request.query, { sortKeys: PG_SORT_KEYS, defaultSort: 'created_at', ...deps.limits }, (p) => pgs.page(project_id, { name, status }, p));
    return listBody('protection_groups', mapPage(page, pgView), base(project_id));
  });

  // The answer to a PG read, serialized, kept for the next read that finds the identical row.
  const shown = new RowMemo<ReturnType<FastifyReply['serialize']>>();
  app.get('/v1/:project_id/protection-groups/:pg_id', { schema: ProtectionGroupRoutes.show }, async (request, reply) => {
    const { project_id, pg_id } = request.params;
    tenant(deps, request, project_id, 'protector:protection_groups:show');
    const secrets = wantsSecrets(deps, request, request.query.show_secrets);
    const row = await pgs.row(pg_id, project_id);
    if (!row) throw notFound(`Protection group ${pg_id}`);
    let made: { protection_group: ReturnType<typeof pgView> } | undefined;
    // The route's own serializer, as Fastify would apply it to `made`; the view depends on the row and `secrets` alone.
    const body = shown.get(`${secrets ? 's' : '-'}${pg_id}`, row, () => reply.serialize((made = { protection_group: pgView(toPg(row), secrets) })));
    // A new answer goes the usual way (so the tests' response check sees each one); a repeat goes as serialized then.
    if (made) return made;
    // Typed loosely: the body is the serialized form of what the schema types.
    return (reply as FastifyReply).type('application/json; charset=utf-8').send(body);
  });

  app.post(
    '/v1/:project_id/protection-groups',
    { schema: ProtectionGroupRoutes.create },
    async (request, reply) => {
      const { project_id } = request.params;
      tenant(deps, request, project_id, 'protector:protection_groups:create');
      const b = request.body.protection_group;
      const all = await sites.list();
      const local = all.find((s) => s.is_local);
      if (!local) throw conflict('No local site is registered on this Protector service; an administrator must register it (POST /v1/admin/sites with is_local).');
      // The secondary is wherever the project is mapped to: the tenant does not pick sites.
      const mapping = (await mappings.list()).find((m) => m.local_project_id === project_id && all.some((s) => s.id === m.remote_site_id && !s.is_local));
      if (!mapping) throw badRequest('project_id', `Project ${project_id} has no tenant mapping to a peer site; an administrator must create one (/v1/admin/tenant-mappings).`);
      const peer = all.find((s) => s.id === mapping.remote_site_id) as Site;
      if (await pgs.findByName(project_id, b.name)) throw conflict(`A protection group named '${b.name}' already exists in project ${project_id}.`);
      const peerToken = request.headers[PEER_AUTH_HEADER.toLowerCase()];
      if (typeof peerToken !== 'string' || peerToken === '') {
        throw badRequest(PEER_AUTH_HEADER, `Required and missing: a token for site ${peer.name} (project ${mapping.remote_project_id}) is needed to create the trust there.`);
      }
      const localToken = String(request.headers['x-auth-token']);

      // Tokens are used for these calls only and never stored: the engine works through the trusts.
      const localTrust = await createTrust(local, tokenClients(local, localToken, project_id, request.id), 'X-Auth-Token', request.id);
      let peerTrust: { id: string; delete: () => Promise<void> };
      try {
        peerTrust = await createTrust(peer, tokenClients(peer, peerToken, mapping.remote_project_id, request.id), PEER_AUTH_HEADER, request.id);
      } catch (err) {
        await localTrust.delete().catch(() => undefined);
        throw err;
      }

      const id = randomUUID();
      const pg = await pgs.create({
        id,
        project_id,
        name: b.name,
        description: b.description ?? '',
        replication_type: b.replication_type,
        status: 'creating',
        primary_site_id: local.id,
        secondary_site_id: peer.id,
        current_primary_site_id: local.id,
        resources: { sites: { [local.id]: { trust_id: localTrust.id }, [peer.id]: { trust_id: peerTrust.id } } },
      });
      if (!pg) {
        await Promise.all([localTrust.delete(), peerTrust.delete()].map((p) => p.catch(() => undefined)));
        throw conflict(`A protection group named '${b.name}' already exists in project ${project_id}.`);
      }
      // Version 1 exists only here until the client pushes it to the peer (DESIGN §5.2).
      const created = (await pgs.update(id, { sync_state: 'out_of_sync' })) ?? pg;
      const op = await recordOperation(deps, request, created, 'pg_create', {});
      reply.code(202);
      return { protection_group: pgView((await pgs.get(id)) ?? created), operation: operationView(op) };
    },
  );

  app.put(
    '/v1/:project_id/protection-groups/:pg_id',
    { schema: ProtectionGroupRoutes.update },
    async (request) => {
      const { project_id, pg_id } = request.params;
      tenant(deps, request, project_id, 'protector:protection_groups:update');
      const pg = await loadPg(pgs, project_id, pg_id);
      requireInSync(pg);
      if (pg.status === 'deleting') throw conflict(`Protection group ${pg.id} is being deleted.`);
      const b = request.body.protection_group;
      if (b.name !== undefined && b.name !== pg.name && (await pgs.findByName(project_id, b.name))) {
        throw conflict(`A protection group named '${b.name}' already exists in project ${project_id}.`);
      }
      const change = { ...(b.name !== undefined ? { name: b.name } : {}), ...(b.description !== undefined ? { description: b.description } : {}) };
      return { protection_group: pgView((await markChanged(pgs, pg.id, change)) ?? pg) };
    },
  );

  app.delete('/v1/:project_id/protection-groups/:pg_id', { schema: ProtectionGroupRoutes.delete }, async (request, reply) => {
    const { project_id, pg_id } = request.params;
    tenant(deps, request, project_id, 'protector:protection_groups:delete');
    const pg = await loadPg(pgs, project_id, pg_id);
    requireInSync(pg);
    if (pg.status === 'deleting') throw conflict(`Protection group ${pg.id} is already being deleted.`);
    const op = await recordOperation(deps, request, pg, 'pg_delete', {});
    const updated = await markChanged(pgs, pg.id, { status: 'deleting' });
    reply.code(202);
    return { protection_group: pgView(updated ?? pg), operation: operationView(op) };
  });
}
