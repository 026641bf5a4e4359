import type { PgStatus } from '../../../db/protection-groups.js';
import { StepError } from '../../workflow.js';
import type { StepState } from '../flow.js';
import { errorText } from '../pg.js';
import { sitesOf, type AfterPrecheck, type PrecheckOut } from './precheck.js';
import { startServers, stopServers } from './servers.js';
import { removeLeftovers, type TeardownReport } from './teardown.js';

/** The side a run leaves: its servers stopped (or fenced), started again by a rollback, its old copies removed. */

const SOURCE_STOP_TIMEOUT_MS = 300_000;

/** Planned: the source servers stop, last tier first, so the final snapshot holds all their writes. */
export async function stopSource(s: StepState<unknown, AfterPrecheck>) {
  const { ctx, pg } = s;
  const { sourceSiteId } = sitesOf(s.out.precheck);
  const tenant = await ctx.clientsFor(sourceSiteId, { asTenantOf: pg });
  return stopServers(tenant, await ctx.pgs.members(pg.id), SOURCE_STOP_TIMEOUT_MS);
}

/**
 * Unplanned, best effort: the old primary is usually down. What cannot be stopped now stays
 * fenced in the leftovers, which only cleanup touches (it deletes, never starts).
 */
export async function fenceSource(s: StepState<unknown, AfterPrecheck>) {
  const { ctx, pg } = s;
  const { sourceSiteId } = sitesOf(s.out.precheck);
  try {
    const tenant = await ctx.clientsFor(sourceSiteId, { asTenantOf: pg });
    return { reachable: true, ...(await stopServers(tenant, await ctx.pgs.members(pg.id), 60_000)) };
  } catch (err) {
    return { reachable: false, error: errorText(err) };
  }
}

/** Rollback: the servers that ran on the source before the run run again; the PG is back in `restore`. */
export async function startSource(s: StepState<unknown, { precheck?: PrecheckOut }>, restore: PgStatus) {
  const { ctx, pg } = s;
  const { sourceSiteId } = sitesOf(s.out.precheck);
  const running = new Set(s.out.precheck?.running_servers ?? []);
  const tenant = await ctx.clientsFor(sourceSiteId, { asTenantOf: pg });
  const started = await startServers(tenant, await ctx.pgs.members(pg.id), running, SOURCE_STOP_TIMEOUT_MS);
  await ctx.pgs.update(pg.id, { status: restore });
  return { started, status: restore };
}

/**
 * After a failover: the old primary's servers and volume records go. A failure is reported and
 * never undoes the failover, unless `required` (failback's remove_old_copies, the cleanup
 * operation), where it fails the step.
 */
export async function cleanupSource(s: StepState<unknown, object>, required: boolean) {
  const { ctx, pg } = s;
  const left = pg.resources.leftovers;
  if (!left) return { removed: [], failed: [], nothing_to_do: true };
  let report: TeardownReport;
  try {
    const tenant = await ctx.clientsFor(left.site_id, { asTenantOf: pg });
    report = await removeLeftovers(ctx, tenant, left, pg.resources.sites[left.site_id]?.group_id);
  } catch (err) {
    report = { removed: [], failed: [{ kind: 'site', id: left.site_id, error: errorText(err) }] };
  }
  if (report.failed.length === 0) {
    await ctx.pgs.setResources(pg.id, (r) => {
      const { leftovers: _gone, ...rest } = r;
      return rest;
    });
  } else if (required) {
    throw new StepError(`could not remove ${report.failed.length} leftover(s) of operation ${left.operation_id} on the old primary: ${report.failed.map((f) => `${f.kind} ${f.id}: ${f.error}`).join('; ')}`, { ...report });
  }
  return { ...report, operation_id: left.operation_id, retry: report.failed.length ? `POST /v1/${pg.project_id}/operations/${left.operation_id}/cleanup` : null };
}
