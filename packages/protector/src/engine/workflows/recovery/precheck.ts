import { standbySiteId, type PgStatus, type ProtectionGroup } from '../../../db/protection-groups.js';
import type { WorkflowContext } from '../../context.js';
import type { MappingOverride } from '../../operation-types.js';
import { ALL_CHECKS, requirePrechecks, type ActionKind, type Finding } from '../../prechecks/index.js';
import { StepError } from '../../workflow.js';
import type { StepState } from '../flow.js';
import { emptyRecord, updateRecord, type RecordKey } from './record.js';

/** What the first step of every DR workflow records: the checks' report and the run's two sites. */
export type PrecheckOut = {
  /** A resumed run (state and record already its own) does not check again. */
  resumed?: true;
  checks?: string[];
  warnings?: Finding[];
  report?: string;
  /** Source and target of the run, stable across the role swap. */
  source_site_id: string;
  target_site_id: string;
  /** Which source servers ran before the run (planned failover, failback): a rollback starts exactly these again. */
  running_servers: string[];
};

/** The outputs every step after the pre-check can count on. */
export type AfterPrecheck = { precheck: PrecheckOut };

export interface RunSites {
  sourceSiteId: string;
  targetSiteId: string;
}

/** Source and target as the pre-check recorded them (optional for a rollback, which may follow any step). */
export function sitesOf(precheck: PrecheckOut | undefined): RunSites {
  if (typeof precheck?.source_site_id !== 'string' || typeof precheck.target_site_id !== 'string') throw new StepError('the precheck step recorded no source and target site');
  return { sourceSiteId: precheck.source_site_id, targetSiteId: precheck.target_site_id };
}

export interface PrecheckOptions {
  action: ActionKind;
  /** The PG state while the run works (failing_over, testing, failing_back). */
  working: PgStatus;
  /** Which record the run keeps; none for runs that bring nothing up (test cleanup). */
  record?: RecordKey;
  recoveryPoint?: string;
  overrides?: readonly MappingOverride[];
  force?: boolean;
  /** The plan-run child this run moves back (prechecks/check.ts, PrecheckInput.revertOf). */
  revertOf?: string;
  /** Drill: the tenant's test network (the re-IP pre-check plans addresses on it). */
  testNetworkId?: string;
}

/**
 * First step of every DR workflow: every pre-check, all blockers reported at once, nothing
 * changed when one fails. Then the PG takes its working state and the run's record. A resumed
 * run (state and record already this operation's) does not check again: its own state would
 * block it.
 */
export async function precheck(s: StepState<unknown, object>, o: PrecheckOptions): Promise<PrecheckOut> {
  const { ctx, pg, opId } = s;
  const sourceSiteId = pg.current_primary_site_id;
  const targetSiteId = standbySiteId(pg);
  const mine = o.record ? pg.resources[o.record]?.operation_id === opId : false;
  let report: Pick<PrecheckOut, 'resumed' | 'checks' | 'warnings' | 'report'> = { resumed: true };
  let running: string[] = [];
  if (!(mine && pg.status === o.working)) {
    // Read beside the checks (it changes nothing); its answer, or its error, counts only once they pass.
    const reading = o.action === 'planned_failover' || o.action === 'failback' ? settled(runningServers(ctx, pg, sourceSiteId)) : undefined;
    const result = await requirePrechecks(ctx, { action: o.action, pg, operationId: opId, recoveryPoint: o.recoveryPoint, overrides: o.overrides, force: o.force, revertOf: o.revertOf, testNetworkId: o.testNetworkId }, ALL_CHECKS);
    report = { checks: result.checks, warnings: result.warnings, report: result.report };
    if (reading) running = await (await reading)();
    // A failover re-run after one that stopped half-way adopts its record (and what it made).
    const adopt = o.record === 'failover' && o.action === 'unplanned_failover' && pg.resources.failover && pg.status !== 'active';
    await ctx.pgs.setResources(pg.id, (r) => (o.record && !adopt ? { ...r, [o.record]: emptyRecord(opId, targetSiteId) } : r));
    if (adopt) await updateRecord(ctx, pg.id, 'failover', (r) => void (r.operation_id = opId));
    await ctx.pgs.update(pg.id, { status: o.working });
  }
  return { ...report, source_site_id: sourceSiteId, target_site_id: targetSiteId, running_servers: running };
}

/** A promise whose rejection waits to be asked for: nothing unhandled while the checks run. */
const settled = <T>(p: Promise<T>): Promise<() => Promise<T>> =>
  p.then(
    (v) => () => Promise.resolve(v),
    (err: unknown) => () => Promise.reject(err),
  );

/** Which members run on the source: asked all at once, within the engine's Nova limit for the site. */
async function runningServers(ctx: WorkflowContext, pg: ProtectionGroup, siteId: string): Promise<string[]> {
  const tenant = await ctx.clientsFor(siteId, { asTenantOf: pg });
  const members = await ctx.pgs.members(pg.id);
  const status = await Promise.all(members.map((m) => ctx.limited(siteId, 'nova', () => tenant.nova.getServer(m.server_id).then((s) => s.status, () => undefined))));
  return members.filter((_, i) => status[i] === 'ACTIVE').map((m) => m.server_id);
}
