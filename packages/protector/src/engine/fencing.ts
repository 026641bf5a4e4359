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
 * The engine's watch over the old primaries of the PGs this site runs: every `intervalMs`, the
 * fenced copies of each such PG (no operation running on it) are checked and any running one is
 * stopped. Runs until stopped; one pass at a time.
 */
export function startFenceWatcher(deps: WorkflowDeps, o: { intervalMs: number; log?: (report: FenceReport) => void; onError?: (err: unknown) => void }): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  const once = async (): Promise<void> => {
    const local = (await deps.sites.list()).find((s) => s.is_local);
    if (!local) return;
    // One context per pass: the sessions (and tokens) of each site and trust are shared by its PGs.
    const ctx = createWorkflowContext(deps);
    for (const pg of await deps.pgs.list()) {
      if (stopped) return;
      if (pg.current_primary_site_id !== local.id || pg.active_operation_id || pg.resources.leftovers?.site_id === local.id) continue;
      const r = await enforceFencing(deps, pg, ctx);
      if (r && r.stopped.length > 0) o.log?.(r);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      // A pass that fails (the database away) is tried again at the next interval.
      pass = once()
        .catch((err: unknown) => o.onError?.(err))
        .finally(schedule);
    }, o.intervalMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
