import { CinderClient, NovaClient, replicationTypeOf, type Server, type Volume, type VolumeType } from '@protector/openstack';
import type { ProtectionGroup, SiteHandle } from '@protector/protectorclient';
import type { FastifyInstance } from 'fastify';
import type { EligibleServer, EligibleServersView } from '../shared/pg-detail.js';
import type { ActionContext } from './actions.js';
import { locate, pgParam, route, runningCopy } from './pg-locate.js';

/**
 * The Add server list: the tenant's servers on the site that runs the workload (member add reads
 * them there), each with whether protector would take it and, if not, why, in the words of its
 * own checks (protector's api/resources/members.ts and engine/workflows/member-add.ts).
 */
export function registerEligibleServers(app: FastifyInstance, ctx: ActionContext): void {
  app.get(
    '/api/protection-groups/:pg/eligible-servers',
    route(async (req): Promise<EligibleServersView> => {
      const c = ctx.coordinator(ctx.session(req));
      const l = await locate(c, pgParam(req));
      const run = runningCopy(l);
      const servers = await eligibility(run.site, run.pg, run.status.site_id);
      return { site: run.site.name, protection_group: { id: run.pg.id, name: run.pg.name, replication_type: run.pg.replication_type }, servers };
    }),
  );
}

const isReplicated = (specs: Record<string, string>): boolean => /^<is>\s*true$/i.test(specs.replication_enabled ?? '');

async function eligibility(site: SiteHandle, pg: ProtectionGroup, siteId: string | null): Promise<EligibleServer[]> {
  // The user's own Nova and Cinder, as member add checks the server with the caller's token.
  const nova = new NovaClient(site.client.session);
  const cinder = new CinderClient(site.client.session);
  const [servers, volumes, types, pgs] = await Promise.all([nova.listServers(), cinder.listVolumes(), cinder.listVolumeTypes(), site.client.protectionGroups.list()]);
  const memberOf = new Map<string, string>();
  await Promise.all(
    pgs.map(async (p) => {
      for (const m of await site.client.members.list(p.id)) memberOf.set(m.server_id, p.name);
    }),
  );
  const byId = new Map(volumes.map((v) => [v.id, v]));
  const groupId = siteId ? pg.resources.sites[siteId]?.group_id : undefined;
  return servers
    .map((server): EligibleServer => {
      const problems = problemsOf(server, pg, memberOf, byId, types, groupId);
      return { id: server.id, name: server.name, status: server.status, eligible: problems.length === 0, reason: problems.length ? problems.join('; ') : null };
    })
    .sort((a, b) => Number(b.eligible) - Number(a.eligible) || a.name.localeCompare(b.name));
}

function problemsOf(server: Server, pg: ProtectionGroup, memberOf: Map<string, string>, volumes: Map<string, Volume>, types: VolumeType[], groupId: string | undefined): string[] {
  const pgName = memberOf.get(server.id);
  if (pgName) return [`already a member of protection group ${pgName}`];
  const attached = server['os-extended-volumes:volumes_attached'] ?? [];
  if (attached.length === 0) return ['it has no volumes: only servers on replicated Cinder volumes can be protected'];
  const problems: string[] = [];
  for (const { id } of attached) {
    const v = volumes.get(id);
    if (!v) {
      problems.push(`volume ${id} is not in the project's volume list`);
      continue;
    }
    const shown = `volume ${v.name ?? ''} (${v.id})`;
    const type = types.find((t) => t.name === v.volume_type || t.id === v.volume_type || t.id === v.volume_type_id);
    const specs = type?.extra_specs ?? {};
    // A tenant sees replication_enabled (one of Cinder's user-visible specs) but not replication_type;
    // when that is hidden, member add itself refuses a type replicating the other way, with its reason.
    const rt = replicationTypeOf(specs);
    const wrongWay = specs.replication_type !== undefined && rt !== pg.replication_type;
    if (!isReplicated(specs) || wrongWay) {
      problems.push(`${shown} has type ${v.volume_type}, which ${rt ? `replicates ${rt}` : 'is not replicated'}; the protection group needs a type with replication_enabled='<is> True' and replication_type='<in> ${pg.replication_type}'`);
    }
    if (v.group_id && v.group_id !== groupId) problems.push(`${shown} is already in another volume group (${v.group_id})`);
  }
  return problems;
}
