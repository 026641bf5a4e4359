import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { MemberRoutes, type Member as MemberView } from '@protector/contract';
import type { FastifyInstance } from 'fastify';
import { ProtectionGroups, type Member, type ProtectionGroup } from '../../db/protection-groups.js';
import { Sites } from '../../db/sites.js';
import { isNotFound, replicationTypeOf } from '@protector/openstack';
import type { ApiDeps } from '../deps.js';
import { ApiError, badRequest, conflict, notFound } from '../errors.js';
import { listBody, paginate } from '../pagination.js';
import { isoTime } from '../time.js';
import { dependencyError, serviceClients, tokenClients } from './clients.js';
import { loadPg, markChanged, operationView, recordOperation, requireInSync, tenant } from './tenant.js';

const view = (m: Member): MemberView => ({ ...m, created_at: isoTime(m.created_at) });

/** States in which a PG's membership may change: it runs where it was created, nothing in flight. */
function requireChangeable(pg: ProtectionGroup): void {
  requireInSync(pg);
  if (pg.status !== 'active') throw conflict(`Protection group ${pg.id} is ${pg.status}; members can be changed only while it is active.`);
}

/** `…/{pg}/members`: servers in a PG; adding and removing are operations, checked here first. */
export function registerMembers(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const pgs = new ProtectionGroups(deps.db, deps.now);
  const sites = new Sites(deps.db, deps.box, deps.now);

  app.get(
    '/v1/:project_id/protection-groups/:pg_id/members',
    { schema: MemberRoutes.list },
    async (request) => {
      const { project_id, pg_id } = request.params;
      tenant(deps, request, project_id, 'protector:members:list');
      const pg = await loadPg(pgs, project_id, pg_id);
      const rows = (await pgs.members(pg.id)).map(view);
      return listBody('members', paginate(rows, request.query, { sortKeys: ['boot_order', 'created_at', 'name', 'server_id'], defaultSort: 'boot_order', ...deps.limits }), `/v1/${project_id}/protection-groups/${pg.id}/members`);
    },
  );

  app.post(
    '/v1/:project_id/protection-groups/:pg_id/members',
    { schema: MemberRoutes.add },
    async (request, reply) => {
      const { project_id, pg_id } = request.params;
      tenant(deps, request, project_id, 'protector:members:add');
      const pg = await loadPg(pgs, project_id, pg_id);
      requireChangeable(pg);
      const { server_id } = request.body.member;
      if (await pgs.member(pg.id, server_id)) throw conflict(`Server ${server_id} is already a member of protection group ${pg.id}.`);
      const local = await sites.get(pg.current_primary_site_id);
      if (!local?.is_local) throw conflict(`Protection group ${pg.id} runs on another site now; add members there.`);

      // Checked with the caller's own token: the server must be theirs to protect.
      const mine = tokenClients(local, String(request.headers['x-auth-token']), project_id, request.id);
      try {
        try {
          await mine.nova.getServer(server_id);
        } catch (err) {
          if (isNotFound(err)) throw notFound(`Server ${server_id} in project ${project_id}`);
          throw err;
        }
        const attachments = await mine.nova.listVolumeAttachments(server_id);
        // Tenants see only user-visible extra specs in Cinder, so types are read as the service.
        const types = await serviceClients(local, request.id).cinder.listVolumeTypes();
        const problems: string[] = [];
        for (const a of attachments) {
          const v = await mine.cinder.getVolume(a.volumeId);
          const t = types.find((x) => x.name === v.volume_type || x.id === v.volume_type || x.id === v.volume_type_id);
          const rt = t ? replicationTypeOf(t.extra_specs) : null;
          if (rt !== pg.replication_type) {
            problems.push(`volume ${v.id}${v.name ? ` (${v.name})` : ''} has volume type '${v.volume_type}', which is ${rt ? `${rt}-replicated` : 'not replication-enabled'}`);
          }
        }
        if (problems.length) {
          throw badRequest('member.server_id', `Server ${server_id} cannot join ${pg.replication_type} protection group ${pg.id}: ${problems.join('; ')}. Every volume needs a volume type with replication_enabled='<is> True' and replication_type='<in> ${pg.replication_type}'.`);
        }
      } catch (err) {
        throw err instanceof ApiError ? err : dependencyError(local, err);
      }
      const members = await pgs.members(pg.id);
      const boot_order = request.body.member.boot_order ?? Math.max(0, ...members.map((m) => m.boot_order)) + 1;
      const op = await recordOperation(deps, request, pg, 'member_add', { server_id, boot_order });
      await markChanged(pgs, pg.id);
      reply.code(202);
      return { operation: operationView(op) };
    },
  );

  app.delete(
    '/v1/:project_id/protection-groups/:pg_id/members/:server_id',
    { schema: MemberRoutes.remove },
    async (request, reply) => {
      const { project_id, pg_id, server_id } = request.params;
      tenant(deps, request, project_id, 'protector:members:remove');
      const pg = await loadPg(pgs, project_id, pg_id);
      if (!(await pgs.member(pg.id, server_id))) throw notFound(`Member ${server_id} of protection group ${pg.id}`);
      requireChangeable(pg);
      const op = await recordOperation(deps, request, pg, 'member_remove', { server_id });
      await markChanged(pgs, pg.id);
      reply.code(202);
      return { operation: operationView(op) };
    },
  );
}
