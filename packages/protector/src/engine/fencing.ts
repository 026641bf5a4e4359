import { isNotFound } from '@protector/openstack';
import type { ProtectionGroup } from '../db/protection-groups.js';
import { createWorkflowContext, type WorkflowContext, type WorkflowDeps } from './context.js';
import { errorText } from './workflows/pg.js';

export interface FenceReport {
  pg_id: string;
  site_id: string;
  /** Fenced servers that were running and were stopped now. */
  stopped: string[];
  /** Why the old primary could not be asked (it is still down): nothing to do until it answers. */
  unreachable?: string;
}

/**
 * DESIGN §5.5, fencing on return: after an unplanned failover the old primary's copies are
 * fenced. When that site answers again its servers may come back running, with the same names
 * and addresses as the ones now serving on this site (split brain): any that runs is stopped,
 * before anything else, and recorded on the PG. Servers already gone or stopped need nothing.
 */
export async function enforceFencing(deps: WorkflowDeps, pg: ProtectionGroup, ctx: WorkflowContext = createWorkflowContext(deps)): Promise<FenceReport | undefined> {
  const left = pg.resources.leftovers;
  if (!left?.fenced || left.servers.length === 0) return undefined;
  const report: FenceReport = { pg_id: pg.id, site_id: left.site_id, stopped: [] };
  try {
    const tenant = await ctx.clientsFor(left.site_id, { asTenantOf: pg });
    for (const id of left.servers) {
      const server = await tenant.nova.getServer(id).catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
      if (!server || server.status === 'SHUTOFF') continue;
      await tenant.nova.stopServer(id);
      report.stopped.push(id);
    }
  } catch (err) {
    report.unreachable = errorText(err);
  }
  if (report.stopped.length > 0) {
    const at = (deps.now ?? Date.now)();
    await deps.pgs.setResources(pg.id, (r) =>
      r.leftovers ? { ...r, leftovers: { ...r.leftovers, stopped_on_return: [...(r.leftovers.stopped_on_return ?? []), ...report.stopped.map((server_id) => ({ server_id, at }))] } } : r,
    );
  }
  return report;
}

/**
 * One fencing pass over the PGs this site runs (no operation on them, the old copies elsewhere):
 * every fenced copy that runs is stopped. Reports only the PGs where something was stopped.
 */
export async function fencePass(deps: WorkflowDeps, localSiteId: string, ctx: WorkflowContext, stopped: () => boolean = () => false): Promise<FenceReport[]> {
  const out: FenceReport[] = [];
  for (const pg of await deps.pgs.list()) {
    if (stopped()) break;
    if (pg.current_primary_site_id !== localSiteId || pg.active_operation_id || pg.resources.leftovers?.site_id === localSiteId) continue;
    const r = await enforceFencing(deps, pg, ctx);
    if (r && r.stopped.length > 0) out.push(r);
  }
  return out;
}
