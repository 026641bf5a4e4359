import type { ProtectionGroup } from '../db/protection-groups.js';
import type { WorkflowContext } from './context.js';
import { rollbackFailure, type OperationRecord, type Operations } from './operations.js';

/** The PG states a rollback leaves behind when it stops before `rollback_source` restores the group. */
const WORKING_STATES = new Set(['failing_over', 'failing_back']);

export interface ResumeReport {
  operation_id: string;
  pg_id: string;
  site_id: string;
  /** The rollback step it stopped at, now run again. */
  step: string;
}

/**
 * Whether a site answers again: its OpenStack (a token for the PG's project and a Nova call)
 * and every array the storage driver reaches. A probe, so that a rollback waiting for a lost
 * datacenter is not run (and failed, and logged) every interval.
 */
async function siteAnswers(ctx: WorkflowContext, pg: ProtectionGroup, siteId: string): Promise<boolean> {
  try {
    const tenant = await ctx.clientsFor(siteId, { asTenantOf: pg });
    await tenant.nova.listServersPage({ limit: 1 });
    const arrays = await ctx.storage.validateConnection();
    return arrays.arrays.every((a) => a.reachable);
  } catch {
    return false;
  }
}

/** The site whose loss stopped the rollback: the run's source, as its pre-check recorded it. */
async function sourceOf(ops: Operations, op: OperationRecord): Promise<string | undefined> {
  const pre = (await ops.steps(op.id)).find((s) => s.name === 'precheck');
  return typeof pre?.detail.source_site_id === 'string' ? pre.detail.source_site_id : undefined;
}

/**
 * One pass of the watch for interrupted rollbacks (issue [7]): a planned failover or failback
 * whose rollback stopped because its source site or an array did not answer is resumed as
 * soon as they answer again, unless a later operation (an unplanned failover from the surviving
 * site) has taken the PG over since. `run` hands the resumed operation to the engine.
 */
export async function resumePass(ops: Operations, ctx: WorkflowContext, run: (id: string) => void, stopped: () => boolean = () => false): Promise<ResumeReport[]> {
  const out: ResumeReport[] = [];
  for (const pg of await ctx.pgs.list()) {
    if (stopped()) break;
    if (!WORKING_STATES.has(pg.status) || pg.active_operation_id) continue;
    const op = await ops.latestOn(pg.id);
    const rb = op && op.status === 'failed' ? rollbackFailure(op) : undefined;
    if (!op || !rb?.unreachable) continue;
    const siteId = await sourceOf(ops, op);
    if (!siteId || !(await siteAnswers(ctx, pg, siteId))) continue;
    await ops.resume(op.id, 'protector-engine');
    run(op.id);
    out.push({ operation_id: op.id, pg_id: pg.id, site_id: siteId, step: rb.step });
  }
  return out;
}
