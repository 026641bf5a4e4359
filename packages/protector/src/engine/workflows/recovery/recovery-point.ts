import type { TransferWaitOptions } from '../../../storage/index.js';
import { StepError } from '../../workflow.js';
import type { StepState } from '../flow.js';
import { shortId } from './plan.js';
import { recordOf, updateRecord, type RecordKey } from './record.js';
import { requireHandle } from './replication.js';

/** The recovery point a run brings up: taken now and waited for (planned), or chosen (unplanned, drill). */

/** How long a transfer may take, and how long it may see its link or an array down. */
export type TransferWait = { timeoutMs: number } & TransferWaitOptions;

/** What final_snapshot records: the snapshot taken now, or the point the action chose. */
export type FinalSnapshotOut = { recovery_point: string | null; chosen?: true; snapshot?: string; created_at?: number };

/** Planned: a snapshot of the stopped servers' volumes, replicated now (or the chosen older point). */
export async function finalSnapshot(s: StepState<unknown, object>, chosen: string | undefined, suffixTag: string): Promise<FinalSnapshotOut> {
  const handle = requireHandle(s.pg);
  if (chosen) return { recovery_point: chosen, chosen: true };
  const rp = await s.ctx.storage.snapshotNow(handle, { replicate: true, suffix: `${suffixTag}-${shortId(s.opId)}` });
  return { recovery_point: rp.name, snapshot: rp.snapshot, created_at: rp.createdAt };
}

/** Waits for the final snapshot to land on the target; it becomes the run's recovery point. */
export async function waitForTransfer(s: StepState<unknown, { final_snapshot: FinalSnapshotOut }>, key: RecordKey, wait: TransferWait) {
  const handle = requireHandle(s.pg);
  const rpName = s.out.final_snapshot.recovery_point;
  if (!rpName) throw new StepError('final_snapshot recorded no recovery point');
  const rp = await s.ctx.storage.waitForTransfer(handle, rpName, wait.timeoutMs, (p) => void s.progress({ recovery_point: rpName, progress: p.progress }), wait);
  await updateRecord(s.ctx, s.pg.id, key, (r) => void Object.assign(r, { recovery_point: rp.name, recovery_point_time: rp.createdAt }));
  return { recovery_point: rp.name, data_as_of: rp.createdAt, transferred_at: rp.completedAt };
}

/** Unplanned and drill: the chosen recovery point, or the newest fully transferred one. */
export async function chooseRecoveryPoint(s: StepState<unknown, object>, key: RecordKey, chosen: string | undefined) {
  const { ctx, pg } = s;
  const rec = recordOf(pg.resources, key, s.opId);
  // A resumed (or adopted) run keeps the point its volumes came from.
  if (rec.recovery_point && (!chosen || chosen === rec.recovery_point)) return { recovery_point: rec.recovery_point, data_as_of: rec.recovery_point_time };
  const points = await ctx.storage.listRecoveryPoints(requireHandle(pg));
  const rp = chosen ? points.find((p) => p.name === chosen) : points[0];
  if (!rp) throw new StepError(chosen ? `recovery point ${chosen} is not on the target array` : 'there is no fully transferred recovery point on the target array');
  await updateRecord(ctx, pg.id, key, (r) => void Object.assign(r, { recovery_point: rp.name, recovery_point_time: rp.createdAt }));
  return { recovery_point: rp.name, data_as_of: rp.createdAt, kind: rp.kind };
}

/** Failback: a bulk transfer while the servers keep running, so the final one is a small delta. */
export async function resync(s: StepState<unknown, object>, wait: TransferWait) {
  const handle = requireHandle(s.pg);
  const rp = await s.ctx.storage.snapshotNow(handle, { replicate: true, suffix: `resync-${shortId(s.opId)}` });
  const done = await s.ctx.storage.waitForTransfer(handle, rp.name ?? rp.snapshot, wait.timeoutMs, (x) => void s.progress({ progress: x.progress }), { deadLinkGraceMs: wait.deadLinkGraceMs });
  return { recovery_point: done.name, data_as_of: done.createdAt };
}
