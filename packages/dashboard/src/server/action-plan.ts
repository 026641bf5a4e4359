import type { Member, RecoveryPoint, ResourceMapping, SiteHandle } from '@protector/protectorclient';
import type { FastifyInstance } from 'fastify';
import type { ActionPlan, PlannedMapping, WizardAction } from '../shared/operations.js';
import type { ActionContext } from './actions.js';
import { HttpError } from './errors.js';
import { answered } from './site-errors.js';
import { LISTED_KINDS, namesOf, siteResources, type ListedKind, type SiteResources } from './site-resources.js';

const ACTIONS: readonly WizardAction[] = ['test-failover', 'test-cleanup', 'failover', 'unplanned-failover', 'point-in-time', 'failback'];

/** Which recovery point each action takes: none (a final snapshot, or none at all), the newest unless one is picked, or one the user must pick. */
const RP_MODE: Record<WizardAction, ActionPlan['recovery_point']> = {
  'test-failover': 'newest',
  'test-cleanup': 'none',
  failover: 'none',
  'unplanned-failover': 'newest',
  'point-in-time': 'choose',
  failback: 'none',
};

/** What the action does to data, in plain words, for these sites (DESIGN §6). */
function dataLoss(a: WizardAction, target: string, source: string, lastSync: string | null, servers: number): string {
  const newest = lastSync ? `the newest finished transferring at ${lastSync} UTC` : 'none has finished transferring yet';
  switch (a) {
    case 'test-failover':
      return `No data is lost and production is untouched: ${servers} server(s) go on running on ${source} and replicating; copies boot on ${target} from a recovery point (${newest}), in an isolated network unless you pick one.`;
    case 'test-cleanup':
      return `No data is lost: only what the drill created on ${target} is removed; production on ${source} is untouched.`;
    case 'failover':
      return `No data is lost: the servers on ${source} are stopped, a final snapshot is replicated to ${target}, and they are brought up there. They are down while it runs; both sites must answer.`;
    case 'unplanned-failover':
      return `Data written on ${source} after the recovery point used is lost (${newest}). It runs on ${target} alone; the copies on ${source} are fenced and never started again by Protector.`;
    case 'point-in-time':
      return `Everything written after the chosen recovery point is lost: the servers come up on ${target} with their data as it was then. The servers on ${source} are stopped first; both sites must answer.`;
    case 'failback':
      return `No data is lost: the data is resynchronised back to ${target}, then the servers on ${source} are stopped and brought up on ${target} (a planned failover back). Both sites must answer.`;
  }
}

/** The kinds the mappings and the drill's network choice need listed, on each site. */
const kindsOf = (mappings: ResourceMapping[]): ListedKind[] => [...new Set<ListedKind>(['network', ...mappings.map((m) => m.kind).filter((k): k is ListedKind => (LISTED_KINDS as readonly string[]).includes(k))])];

/**
 * The DR wizard's review of an action before its pre-check: the site it runs on (as the
 * Coordinator routes it), the recovery points there, the mappings it will use (with names on both
 * sites), the members, and what it means for data.
 */
export function registerActionPlan(app: FastifyInstance, ctx: ActionContext): void {
  app.get('/api/protection-groups/:pg/actions/:action/plan', async (req): Promise<ActionPlan> => {
    const { pg: ref, action } = req.params as { pg: string; action: string };
    if (!(ACTIONS as readonly string[]).includes(action)) throw new HttpError(404, 'not_found', `no action '${action}' (${ACTIONS.join(', ')})`);
    const a = action as WizardAction;
    const c = ctx.coordinator(ctx.session(req));
    return answered(async () => {
      const { target, other, pgId } = await c.runningSite(ref, a === 'unplanned-failover');
      const source: SiteHandle | null = other;
      const sourceName = source?.name ?? c.both().find((h) => h !== target)?.name ?? 'the other site';
      const [pg, members, allMappings, rps] = await Promise.all([
        target.client.protectionGroups.get(pgId),
        target.client.members.list(pgId),
        target.client.resourceMappings.get(pgId),
        a === 'test-cleanup' ? Promise.resolve([] as RecoveryPoint[]) : target.client.recoveryPoints.list(pgId),
      ]);
      // The mappings from the site running it now: the ones this action uses (ids as the target's registry names sites).
      const mappings = allMappings.filter((m) => m.source_site_id === pg.current_primary_site_id);
      const kinds = kindsOf(mappings);
      const [there, here] = await Promise.all([siteResources(target, kinds), source ? siteResources(source, kinds) : Promise.resolve<SiteResources | null>(null)]);
      const [tNames, sNames] = [namesOf(there), namesOf(here)];
      const planned: PlannedMapping[] = mappings.map((m) => ({ kind: m.kind, source_id: m.source_id, source_name: sNames.get(m.source_id) ?? null, target_id: m.target_id, target_name: tNames.get(m.target_id) ?? null }));
      const mapped = new Set(mappings.filter((m) => m.kind === 'network').map((m) => m.source_id));
      const used = [...new Set(members.flatMap((m: Member) => m.details.ports.map((p) => p.network_id)))];
      const unmapped = used.filter((n) => !mapped.has(n)).map((n) => (sNames.has(n) ? `${sNames.get(n)} (${n})` : n));
      const lastSync = rps[0]?.completed_at ?? null;
      return {
        action: a,
        pg: { id: pg.id, name: pg.name, status: pg.status, replication_type: pg.replication_type },
        target_site: target.name,
        source_site: sourceName,
        source_reachable: source !== null,
        recovery_points: RP_MODE[a] === 'none' ? [] : rps,
        recovery_point: RP_MODE[a],
        last_sync: lastSync,
        mappings: planned,
        unmapped_networks: unmapped,
        target_networks: a === 'test-failover' ? (there.lists.network ?? []).map((n) => ({ id: n.id, name: n.name })) : [],
        members: members.map((m) => ({ server_id: m.server_id, name: m.name, boot_order: m.boot_order })).sort((x, y) => x.boot_order - y.boot_order),
        data_loss: dataLoss(a, target.name, sourceName, lastSync, members.length),
        confirm_required: a === 'unplanned-failover' || a === 'failback',
      };
    });
  });
}
