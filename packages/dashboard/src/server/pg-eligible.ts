import type { ProtectionGroup, SiteHandle } from '@protector/protectorclient';
import type { FastifyInstance } from 'fastify';
import type { EligibleServer, EligibleServersView } from '../shared/pg-detail.js';
import type { ActionContext } from './actions.js';
import { serverChoices } from './pg-choices.js';
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

async function eligibility(site: SiteHandle, pg: ProtectionGroup, siteId: string | null): Promise<EligibleServer[]> {
  // The create wizard's rules, for this PG's replication type and volume group.
  const groupId = siteId ? pg.resources.sites[siteId]?.group_id : undefined;
  const rt = pg.replication_type;
  return (await serverChoices(site, groupId))
    .map((c): EligibleServer => ({ id: c.id, name: c.name, status: c.status, eligible: c.eligible[rt], reason: c.eligible[rt] ? null : (c.reason[rt] ?? null) }))
    .sort((a, b) => Number(b.eligible) - Number(a.eligible) || a.name.localeCompare(b.name));
}
