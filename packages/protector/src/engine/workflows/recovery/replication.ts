import type { ProtectionGroup } from '../../../db/protection-groups.js';
import { isStorageError, type ReplicationGroupHandle, type ReplicationSchedulePolicy } from '../../../storage/index.js';
import type { WorkflowContext } from '../../context.js';
import { StepError } from '../../workflow.js';
import type { StepState } from '../flow.js';
import { errorText } from '../pg.js';
import { replicationSpec } from '../pg-create.js';
import { sitesOf, type AfterPrecheck, type PrecheckOut } from './precheck.js';
import { recordOf, type RecordKey } from './record.js';

/** The array replication's direction through a run: promoted, reversed, resumed as before. */

export function requireHandle(pg: ProtectionGroup): ReplicationGroupHandle {
  if (!pg.resources.array) throw new StepError(`protection group ${pg.id} has no array construct`);
  return pg.resources.array;
}

async function schedulePolicy(ctx: WorkflowContext, pg: ProtectionGroup): Promise<ReplicationSchedulePolicy> {
  const policy = await ctx.pgs.policy(pg.id);
  if (!policy) throw new StepError(`protection group ${pg.id} has no replication policy`);
  return replicationSpec(pg, policy);
}

/** The array a registered site's Cinder uses. */
export async function arrayOfSite(ctx: WorkflowContext, siteId: string): Promise<string> {
  return (await ctx.site(siteId)).array.name;
}

/** Unplanned: the target array serves the group; the old source stops sending if it answers. */
export async function promoteTarget(s: StepState<unknown, object>) {
  const handle = requireHandle(s.pg);
  await s.ctx.storage.promote(handle);
  return { promoted: handle.targetArray };
}

/** What reverse_replication records; `reverse_pending`: the old primary was lost, failback reverses it. */
export type ReverseOut = { handle: ReplicationGroupHandle; reversed: boolean; reverse_pending?: true; why?: string };

/**
 * Replication now runs from the new primary's volumes back to the old primary. Recorded on the
 * PG in the same call; a run that finds the handle already sourced at the target's array (the
 * step re-run after a crash) does not reverse it back.
 */
export async function reverseReplication(s: StepState<unknown, AfterPrecheck>, key: RecordKey): Promise<ReverseOut> {
  const { ctx, pg } = s;
  const handle = requireHandle(pg);
  const { targetSiteId } = sitesOf(s.out.precheck);
  const targetArray = await arrayOfSite(ctx, targetSiteId);
  if (handle.sourceArray === targetArray) return { handle, reversed: false };
  const rec = recordOf(pg.resources, key, s.opId);
  const volumes = Object.values(rec.volumes).map((v) => v.array_volume);
  let next: ReplicationGroupHandle;
  try {
    next = await ctx.storage.reverseReplication(handle, { volumes, policy: await schedulePolicy(ctx, pg) });
  } catch (err) {
    // The point of no return is behind us: the workload runs on the target. Losing the old
    // primary now must not undo that; replication is reversed later (failback does it), and
    // the old copies are fenced, as after an unplanned failover.
    if (!isStorageError(err) || err.code !== 'unreachable') throw err;
    await ctx.pgs.setResources(pg.id, (r) => ({ ...r, reverse_pending: true }));
    return { handle, reversed: false, reverse_pending: true, why: errorText(err) };
  }
  await ctx.pgs.setResources(pg.id, (r) => ({ ...r, array: next, reverse_pending: false }));
  return { handle: next, reversed: true };
}

/** Failback: the replication an unplanned failover could not reverse, reversed now that the old primary is back. */
export async function reverseIfPending(s: StepState<unknown, AfterPrecheck>): Promise<{ reversed: false } | { reversed: true; handle: ReplicationGroupHandle }> {
  const { ctx, pg } = s;
  if (!pg.resources.reverse_pending || !pg.resources.array) return { reversed: false };
  const { sourceSiteId } = sitesOf(s.out.precheck);
  const members = await ctx.pgs.members(pg.id);
  const sourceArray = await arrayOfSite(ctx, sourceSiteId);
  let handle = pg.resources.array;
  if (handle.sourceArray !== sourceArray) {
    handle = await ctx.storage.reverseReplication(handle, { volumes: members.flatMap((m) => m.details.volumes.map((v) => v.array_volume)), policy: await schedulePolicy(ctx, pg) });
  }
  const next = handle;
  await ctx.pgs.setResources(pg.id, (r) => ({ ...r, array: next, reverse_pending: false }));
  return { reversed: true, handle: next };
}

/** Rollback: the source replicates to the target again, unless the replication was already reversed. */
export async function resumeReplication(s: StepState<unknown, { precheck?: PrecheckOut }>) {
  const { ctx, pg } = s;
  const handle = requireHandle(pg);
  const { sourceSiteId } = sitesOf(s.out.precheck);
  if (handle.sourceArray !== (await arrayOfSite(ctx, sourceSiteId))) return { resumed: false, why: 'the replication was already reversed' };
  await ctx.storage.resumeReplication(handle, await schedulePolicy(ctx, pg));
  return { resumed: true, handle };
}
