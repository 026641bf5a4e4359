import { standbySiteId, type Member, type MemberDetails, type PgStatus, type ProtectionGroup } from '../../../db/protection-groups.js';
import { isStorageError, type ReplicationGroupHandle, type ReplicationSchedulePolicy, type TransferWaitOptions } from '../../../storage/index.js';
import type { WorkflowContext } from '../../context.js';
import type { MappingOverride } from '../../operation-types.js';
import type { OperationRecord } from '../../operations.js';
import { ALL_CHECKS, requirePrechecks, type ActionKind } from '../../prechecks/index.js';
import { StepError, type Step, type StepDetail } from '../../workflow.js';
import { arrayVolumeName } from '../names.js';
import { errorText, loadPg } from '../pg.js';
import { replicationSpec } from '../pg-create.js';
import { planFor, shortId } from './plan.js';
import { portKey } from './ports.js';
import { emptyRecord, recordOf, updateRecord, type RecordKey } from './record.js';
import { startServers, stopServers } from './servers.js';
import { removeFailoverCopies, removeLeftovers } from './teardown.js';

/** Steps shared by failover, failback and the drill: each is one function of (op, what earlier steps recorded). */

export const SOURCE_STOP_TIMEOUT_MS = 300_000;

/** Source and target of the run, as the pre-check step recorded them (stable across the role swap). */
export function runSites(completed: ReadonlyMap<string, StepDetail>): { sourceSiteId: string; targetSiteId: string } {
  const d = completed.get('precheck');
  if (typeof d?.source_site_id !== 'string' || typeof d.target_site_id !== 'string') throw new StepError('the precheck step recorded no source and target site');
  return { sourceSiteId: d.source_site_id, targetSiteId: d.target_site_id };
}

export interface PrecheckStepOptions {
  action: ActionKind;
  /** The PG state while the run works (failing_over, testing, failing_back). */
  working: PgStatus;
  /** Which record the run keeps; none for runs that bring nothing up (test cleanup). */
  record?: RecordKey;
  recoveryPoint?: string;
  overrides?: readonly MappingOverride[];
  force?: boolean;
}

/**
 * First step of every DR workflow: every pre-check, all blockers reported at once, nothing
 * changed when one fails. Then the PG takes its working state and the run's record. A resumed
 * run (state and record already this operation's) does not check again: its own state would
 * block it.
 */
export function precheckStep(ctx: WorkflowContext, op: OperationRecord, o: PrecheckStepOptions): Step {
  return {
    name: 'precheck',
    run: async () => {
      const pg = await loadPg(ctx, op);
      const sourceSiteId = pg.current_primary_site_id;
      const targetSiteId = standbySiteId(pg);
      const mine = o.record ? pg.resources[o.record]?.operation_id === op.id : false;
      let report: StepDetail = { resumed: true };
      let running: string[] = [];
      if (!(mine && pg.status === o.working)) {
        const result = await requirePrechecks(ctx, { action: o.action, pg, operationId: op.id, recoveryPoint: o.recoveryPoint, overrides: o.overrides, force: o.force }, ALL_CHECKS);
        report = { checks: result.checks, warnings: result.warnings, report: result.report };
        // Which source servers run now: a rollback starts exactly these again.
        if (o.action === 'planned_failover' || o.action === 'failback') running = await runningServers(ctx, pg, sourceSiteId);
        // A failover re-run after one that stopped half-way adopts its record (and what it made).
        const adopt = o.record === 'failover' && o.action === 'unplanned_failover' && pg.resources.failover && pg.status !== 'active';
        await ctx.pgs.setResources(pg.id, (r) => (o.record && !adopt ? { ...r, [o.record]: emptyRecord(op.id, targetSiteId) } : r));
        if (adopt) await updateRecord(ctx, pg.id, 'failover', (r) => void (r.operation_id = op.id));
        await ctx.pgs.update(pg.id, { status: o.working });
      }
      return { ...report, source_site_id: sourceSiteId, target_site_id: targetSiteId, running_servers: running };
    },
  };
}

async function runningServers(ctx: WorkflowContext, pg: ProtectionGroup, siteId: string): Promise<string[]> {
  const tenant = await ctx.clientsFor(siteId, { asTenantOf: pg });
  const out: string[] = [];
  for (const m of await ctx.pgs.members(pg.id)) {
    const s = await tenant.nova.getServer(m.server_id).catch(() => undefined);
    if (s?.status === 'ACTIVE') out.push(m.server_id);
  }
  return out;
}

/** Planned: the source servers stop, last tier first, so the final snapshot holds all their writes. */
export function stopSourceStep(ctx: WorkflowContext, op: OperationRecord): Step {
  return {
    name: 'stop_source_servers',
    run: async (sc) => {
      const pg = await loadPg(ctx, op);
      const { sourceSiteId } = runSites(sc.completed);
      const tenant = await ctx.clientsFor(sourceSiteId, { asTenantOf: pg });
      return stopServers(tenant, await ctx.pgs.members(pg.id), SOURCE_STOP_TIMEOUT_MS);
    },
  };
}

/** Planned: a snapshot of the stopped servers' volumes, replicated now (or the chosen older point). */
export function finalSnapshotStep(ctx: WorkflowContext, op: OperationRecord, chosen: string | undefined, suffixTag: string): Step {
  return {
    name: 'final_snapshot',
    run: async () => {
      const pg = await loadPg(ctx, op);
      const handle = requireHandle(pg);
      if (chosen) return { recovery_point: chosen, chosen: true };
      const rp = await ctx.storage.snapshotNow(handle, { replicate: true, suffix: `${suffixTag}-${shortId(op.id)}` });
      return { recovery_point: rp.name, snapshot: rp.snapshot, created_at: rp.createdAt };
    },
  };
}

/** Waits for the final snapshot to land on the target; it becomes the run's recovery point. */
export function waitForTransferStep(ctx: WorkflowContext, op: OperationRecord, key: RecordKey, wait: { timeoutMs: number } & TransferWaitOptions): Step {
  const from = 'final_snapshot';
  return {
    name: 'wait_for_transfer',
    run: async (sc) => {
      const pg = await loadPg(ctx, op);
      const handle = requireHandle(pg);
      const taken = sc.completed.get(from) as { recovery_point?: string | null } | undefined;
      if (!taken?.recovery_point) throw new StepError(`${from} recorded no recovery point`);
      const rpName = taken.recovery_point;
      const rp = await ctx.storage.waitForTransfer(handle, rpName, wait.timeoutMs, (p) => void sc.progress({ recovery_point: rpName, progress: p.progress }), wait);
      await updateRecord(ctx, pg.id, key, (r) => void Object.assign(r, { recovery_point: rp.name, recovery_point_time: rp.createdAt }));
      return { recovery_point: rp.name, data_as_of: rp.createdAt, transferred_at: rp.completedAt };
    },
  };
}

/** Unplanned and drill: the chosen recovery point, or the newest fully transferred one. */
export function chooseRecoveryPointStep(ctx: WorkflowContext, op: OperationRecord, key: RecordKey, chosen: string | undefined): Step {
  return {
    name: 'choose_recovery_point',
    run: async () => {
      const pg = await loadPg(ctx, op);
      const rec = recordOf(pg.resources, key, op.id);
      // A resumed (or adopted) run keeps the point its volumes came from.
      if (rec.recovery_point && (!chosen || chosen === rec.recovery_point)) return { recovery_point: rec.recovery_point, data_as_of: rec.recovery_point_time };
      const points = await ctx.storage.listRecoveryPoints(requireHandle(pg));
      const rp = chosen ? points.find((p) => p.name === chosen) : points[0];
      if (!rp) throw new StepError(chosen ? `recovery point ${chosen} is not on the target array` : 'there is no fully transferred recovery point on the target array');
      await updateRecord(ctx, pg.id, key, (r) => void Object.assign(r, { recovery_point: rp.name, recovery_point_time: rp.createdAt }));
      return { recovery_point: rp.name, data_as_of: rp.createdAt, kind: rp.kind };
    },
  };
}

export function requireHandle(pg: ProtectionGroup): ReplicationGroupHandle {
  if (!pg.resources.array) throw new StepError(`protection group ${pg.id} has no array construct`);
  return pg.resources.array;
}

export async function schedulePolicy(ctx: WorkflowContext, pg: ProtectionGroup): Promise<ReplicationSchedulePolicy> {
  const policy = await ctx.pgs.policy(pg.id);
  if (!policy) throw new StepError(`protection group ${pg.id} has no replication policy`);
  return replicationSpec(pg, policy);
}

/** The array a registered site's Cinder uses. */
export async function arrayOfSite(ctx: WorkflowContext, siteId: string): Promise<string> {
  return (await ctx.site(siteId)).array.name;
}

/**
 * Replication now runs from the new primary's volumes back to the old primary. Recorded on the
 * PG in the same call; a run that finds the handle already sourced at the target's array (the
 * step re-run after a crash) does not reverse it back.
 */
export function reverseReplicationStep(ctx: WorkflowContext, op: OperationRecord, key: RecordKey): Step {
  return {
    name: 'reverse_replication',
    run: async (sc) => {
      const pg = await loadPg(ctx, op);
      const handle = requireHandle(pg);
      const { targetSiteId } = runSites(sc.completed);
      const targetArray = await arrayOfSite(ctx, targetSiteId);
      if (handle.sourceArray === targetArray) return { handle, reversed: false };
      const rec = recordOf(pg.resources, key, op.id);
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
    },
  };
}

/** The member as it is on the new primary: new server, ports, volumes, mapped flavor and friends. */
async function movedDetails(plan: Awaited<ReturnType<typeof planFor>>, m: Member, rec: ReturnType<typeof recordOf>): Promise<MemberDetails> {
  const tenant = await plan.tenant();
  const d = m.details;
  const ports = await Promise.all(
    d.ports.map(async (p) => {
      const port = await tenant.neutron.getPort(rec.ports[portKey(m.server_id, p.id)] ?? '');
      return { id: port.id, network_id: port.network_id, mac_address: port.mac_address, fixed_ips: port.fixed_ips.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })), security_group_ids: port.security_groups };
    }),
  );
  const flavorId = await plan.flavorId(m);
  const flavor = (await tenant.nova.getFlavor(flavorId).catch(() => undefined))?.name ?? d.flavor_name;
  return {
    flavor_id: flavorId,
    flavor_name: flavor,
    image_id: d.image_id ? await plan.target('image', d.image_id).catch(() => d.image_id) : null,
    availability_zone: d.availability_zone ? await plan.target('availability_zone', d.availability_zone).catch(() => d.availability_zone) : null,
    key_name: d.key_name ? await plan.target('keypair', d.key_name).catch(() => d.key_name) : null,
    ports,
    volumes: await Promise.all(
      d.volumes.map(async (v) => {
        const got = rec.volumes[v.volume_id]!;
        return { ...v, volume_id: got.volume_id, volume_type: await plan.target('volume_type', v.volume_type), array_volume: arrayVolumeName(got.volume_id) };
      }),
    ),
  };
}

/**
 * The target becomes the primary: members now name the servers brought up there, the old
 * copies are recorded as leftovers for cleanup (fenced when they could not be stopped), and
 * the metadata version is bumped so the client pushes the new document to the peer.
 */
export function swapRolesStep(ctx: WorkflowContext, op: OperationRecord, o: { fenced: boolean; reversePending: boolean; overrides?: readonly MappingOverride[]; action: ActionKind }): Step {
  return {
    name: 'swap_roles',
    run: async (sc) => {
      const sites = runSites(sc.completed);
      const plan = await planFor(ctx, op, { action: o.action, overrides: o.overrides, sites });
      const pg = plan.pg;
      const rec = recordOf(pg.resources, 'failover', op.id);
      const failed = Object.entries(rec.errors).map(([server, error]) => ({ member_server_id: server, error }));
      // Back on its original primary (failback) the PG is simply active again.
      const status: PgStatus = failed.length ? 'failed_over_partial' : sites.targetSiteId === pg.primary_site_id ? 'active' : 'failed_over';
      if (pg.current_primary_site_id === sites.targetSiteId) return { primary_site_id: sites.targetSiteId, status: pg.status, failed, resumed: true };
      const moved: Member[] = plan.members.filter((m) => rec.servers[m.server_id] && !rec.errors[m.server_id]);
      // The old primary lost after the point of no return: its copies are fenced, and replication waits for failback.
      const lost = sc.completed.get('reverse_replication')?.reverse_pending === true;
      const reversePending = o.reversePending || lost;
      const left = { operation_id: op.id, site_id: sites.sourceSiteId, fenced: o.fenced || lost, servers: moved.map((m) => m.server_id), volumes: moved.flatMap((m) => m.details.volumes.map((v) => v.volume_id)), ports: moved.flatMap((m) => m.details.ports.map((p) => p.id)) };
      const details = await Promise.all(moved.map(async (m) => ({ m, d: await movedDetails(plan, m, rec) })));
      for (const { m, d } of details) await ctx.pgs.moveMember(m.id, rec.servers[m.server_id]!, d);
      await ctx.pgs.setResources(pg.id, (r) => ({ ...r, leftovers: left, ...(reversePending ? { reverse_pending: true } : {}) }));
      const after = await ctx.pgs.update(pg.id, { current_primary_site_id: sites.targetSiteId, status, sync_state: 'out_of_sync' }, { bumpVersion: true });
      return { primary_site_id: sites.targetSiteId, status, failed, moved: moved.map((m) => m.name), metadata_version: after?.metadata_version, data_as_of: rec.recovery_point_time, recovery_point: rec.recovery_point };
    },
  };
}

/**
 * How a run ends: `partial` when `step` recorded servers that did not come up (an unplanned
 * failover or a drill carries on past them), else completed.
 */
export const partialWhenFailed =
  (step: string) =>
  (completed: ReadonlyMap<string, StepDetail>): 'completed' | 'partial' => {
    const failed = completed.get(step)?.failed;
    return Array.isArray(failed) && failed.length > 0 ? 'partial' : 'completed';
  };

/** After a failover: the old primary's servers and volume records go; a failure is reported, never undoes the failover. */
export function cleanupSourceStep(ctx: WorkflowContext, op: OperationRecord, opts: { name?: string; required?: boolean } = {}): Step {
  return {
    name: opts.name ?? 'cleanup_source',
    run: async () => {
      const pg = await loadPg(ctx, op);
      const left = pg.resources.leftovers;
      if (!left) return { removed: [], failed: [], nothing_to_do: true };
      let report;
      try {
        const tenant = await ctx.clientsFor(left.site_id, { asTenantOf: pg });
        report = await removeLeftovers(tenant, left, pg.resources.sites[left.site_id]?.group_id);
      } catch (err) {
        report = { removed: [], failed: [{ kind: 'site' as const, id: left.site_id, error: errorText(err) }] };
      }
      if (report.failed.length === 0) {
        await ctx.pgs.setResources(pg.id, (r) => {
          const { leftovers: _gone, ...rest } = r;
          return rest;
        });
      } else if (opts.required) {
        throw new StepError(`could not remove ${report.failed.length} leftover(s) of operation ${left.operation_id} on the old primary: ${report.failed.map((f) => `${f.kind} ${f.id}: ${f.error}`).join('; ')}`, { ...report });
      }
      return { ...report, operation_id: left.operation_id, retry: report.failed.length ? `POST /v1/${pg.project_id}/operations/${left.operation_id}/cleanup` : null };
    },
  };
}

/**
 * Rollback of a planned failover or failback: what was brought up on the target goes, the
 * replication runs as before, the servers that ran on the source run again, the PG is back in
 * `restore` state. The failed step is in the operation's error.
 */
export function rollbackSteps(ctx: WorkflowContext, op: OperationRecord, restore: PgStatus): Step[] {
  return [
    {
      name: 'rollback_target',
      run: async () => {
        const pg = await loadPg(ctx, op);
        const rec = pg.resources.failover;
        if (!rec || rec.operation_id !== op.id) return { removed: [], failed: [] };
        // What cannot be removed now stays recorded for `operation cleanup`; the rollback goes on.
        const report = await removeFailoverCopies(ctx, pg, rec);
        return { ...report, ...(report.remaining ? { retry: `POST /v1/${pg.project_id}/operations/${op.id}/cleanup` } : {}) };
      },
    },
    {
      name: 'rollback_replication',
      run: async (sc) => {
        const pg = await loadPg(ctx, op);
        const handle = requireHandle(pg);
        const { sourceSiteId } = runSites(sc.completed);
        if (handle.sourceArray !== (await arrayOfSite(ctx, sourceSiteId))) return { resumed: false, why: 'the replication was already reversed' };
        await ctx.storage.resumeReplication(handle, await schedulePolicy(ctx, pg));
        return { resumed: true, handle };
      },
    },
    {
      name: 'rollback_source',
      run: async (sc) => {
        const pg = await loadPg(ctx, op);
        const { sourceSiteId } = runSites(sc.completed);
        const running = new Set((sc.completed.get('precheck')?.running_servers as string[] | undefined) ?? []);
        const tenant = await ctx.clientsFor(sourceSiteId, { asTenantOf: pg });
        const started = await startServers(tenant, await ctx.pgs.members(pg.id), running, SOURCE_STOP_TIMEOUT_MS);
        await ctx.pgs.update(pg.id, { status: restore });
        return { started, status: restore };
      },
    },
  ];
}

