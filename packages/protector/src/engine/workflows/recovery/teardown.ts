import type { Kysely } from 'kysely';
import type { BroughtUp, Leftovers, ProtectionGroup } from '../../../db/protection-groups.js';
import type { Database } from '../../../db/schema.js';
import { Operations } from '../../operations.js';
import { isNotFound, type SiteClients } from '@protector/openstack';
import type { WorkflowContext } from '../../context.js';
import { errorText } from '../pg.js';
import { deleteServer } from './servers.js';
import { deleteVolume, sideOf } from './volumes.js';

/** One object removal that failed: what, which, why. */
export interface Unremoved {
  /** `site`: the site itself could not be asked. */
  kind: 'site' | 'server' | 'port' | 'volume' | 'array_volume' | 'subnet' | 'network';
  id: string;
  error: string;
}

export interface TeardownReport {
  removed: { kind: Unremoved['kind']; id: string }[];
  failed: Unremoved[];
}

async function attempt(report: TeardownReport, kind: Unremoved['kind'], id: string, fn: () => Promise<void>): Promise<boolean> {
  try {
    await fn();
    report.removed.push({ kind, id });
    return true;
  } catch (err) {
    report.failed.push({ kind, id, error: errorText(err) });
    return false;
  }
}

const gone = async (p: Promise<unknown>): Promise<void> => {
  try {
    await p;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
};

/**
 * Takes volumes out of the PG's Cinder group on a site (Cinder deletes or unmanages no volume
 * that belongs to a group); those not in it, or a group already gone, need nothing.
 */
async function leaveGroup(report: TeardownReport, tenant: SiteClients, groupId: string | undefined, volumeIds: string[]): Promise<void> {
  if (!groupId || volumeIds.length === 0) return;
  try {
    const inGroup = new Set((await tenant.cinder.getGroup(groupId, { listVolumes: true })).volumes ?? []);
    const out = volumeIds.filter((v) => inGroup.has(v));
    if (out.length) await tenant.cinder.updateGroup(groupId, { removeVolumes: out });
  } catch (err) {
    if (!isNotFound(err)) report.failed.push({ kind: 'volume', id: groupId, error: `taking the volumes out of Cinder group ${groupId}: ${errorText(err)}` });
  }
}

/**
 * Removes everything a drill or failover brought up on its target, in dependency order
 * (servers, then ports, volumes and their array copies, then subnets and networks), carrying on
 * past failures so that one stuck object does not keep the others: every failure is reported.
 * Array volumes are eradicated, not left for the array's 24 h recovery window: nothing the run
 * created may remain. Repeatable: what is already gone counts as removed.
 */
export async function teardown(ctx: WorkflowContext, tenant: SiteClients, rec: BroughtUp, targetArray: string, groupId?: string): Promise<TeardownReport> {
  const report: TeardownReport = { removed: [], failed: [] };
  const side = sideOf(ctx.storage, targetArray);
  const on = rec.site_id;
  await Promise.all(Object.values(rec.servers).map((id) => attempt(report, 'server', id, () => ctx.limited(on, 'nova', () => deleteServer(tenant, id)))));
  await Promise.all(Object.values(rec.ports).map((id) => attempt(report, 'port', id, () => ctx.limited(on, 'neutron', () => gone(tenant.neutron.deletePort(id))))));
  // A failover manages its volumes into the PG's group on the target; a drill's are in none.
  await leaveGroup(report, tenant, groupId, Object.values(rec.volumes).map((v) => v.volume_id));
  await Promise.all(
    Object.values(rec.volumes).map(async (v) => {
      if (await attempt(report, 'volume', v.volume_id, () => ctx.limited(on, 'cinder', () => deleteVolume(tenant, v.volume_id)))) {
        await attempt(report, 'array_volume', v.array_volume, () => ctx.storage.deleteVolumes(side, [v.array_volume], { eradicate: true }));
      }
    }),
  );
  // Restored but never managed (the run stopped in between): only the array copy exists.
  const managed = new Set(Object.keys(rec.volumes));
  for (const [source, name] of Object.entries(rec.array_volumes)) {
    if (!managed.has(source)) await attempt(report, 'array_volume', name, () => ctx.storage.deleteVolumes(side, [name], { eradicate: true }));
  }
  for (const id of rec.subnets) await attempt(report, 'subnet', id, () => gone(tenant.neutron.deleteSubnet(id)));
  for (const id of rec.networks) await attempt(report, 'network', id, () => gone(tenant.neutron.deleteNetwork(id)));
  return report;
}

/**
 * The old primary's copies after a failover: servers deleted, ports deleted, volumes taken out
 * of the PG's Cinder group there and unmanaged (the Cinder records go; the array keeps the
 * stale bytes under `-unmanaged`, as Cinder's unmanage does, until an operator eradicates them).
 */
export async function removeLeftovers(ctx: WorkflowContext, tenant: SiteClients, left: Leftovers, groupId: string | undefined): Promise<TeardownReport> {
  const report: TeardownReport = { removed: [], failed: [] };
  const on = left.site_id;
  await Promise.all(left.servers.map((id) => attempt(report, 'server', id, () => ctx.limited(on, 'nova', () => deleteServer(tenant, id)))));
  await Promise.all(left.ports.map((id) => attempt(report, 'port', id, () => ctx.limited(on, 'neutron', () => gone(tenant.neutron.deletePort(id))))));
  await leaveGroup(report, tenant, groupId, left.volumes);
  await Promise.all(left.volumes.map((id) =>
    attempt(report, 'volume', id, () => ctx.limited(on, 'cinder', async () => {
      try {
        await tenant.cinder.unmanageVolume(id);
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      await tenant.cinder.waitForVolumeDeleted(id, { timeoutMs: 120_000, intervalMs: 250 });
    })),
  ));
  return report;
}

/** The part of a record that a teardown could not remove (undefined: nothing remains). */
export function remainingOf(rec: BroughtUp, report: TeardownReport): BroughtUp | undefined {
  if (report.failed.some((f) => f.kind === 'site')) return rec;
  const failed = new Set(report.failed.map((f) => f.id));
  const keep = <T>(o: Record<string, T>, id: (v: T) => string[]) => Object.fromEntries(Object.entries(o).filter(([, v]) => id(v).some((x) => failed.has(x))));
  const volumes = keep(rec.volumes, (v) => [v.volume_id, v.array_volume]);
  const left: BroughtUp = {
    ...rec,
    servers: keep(rec.servers, (id) => [id]),
    ports: keep(rec.ports, (id) => [id]),
    volumes,
    array_volumes: keep(rec.array_volumes, (name) => [name]),
    subnets: rec.subnets.filter((id) => failed.has(id)),
    networks: rec.networks.filter((id) => failed.has(id)),
  };
  const empty = [left.servers, left.ports, left.volumes, left.array_volumes].every((o) => Object.keys(o).length === 0) && left.subnets.length + left.networks.length === 0;
  return empty ? undefined : left;
}

/**
 * What a rolled-back failover's rollback could not remove from its target: the PG's failover
 * record while the operation it belongs to ended `rolled_back` (after a failover that completed,
 * the same record is the running workload, never to be removed).
 */
export async function rollbackLeftovers(db: Kysely<Database>, pg: ProtectionGroup): Promise<BroughtUp | undefined> {
  const rec = pg.resources.failover;
  if (!rec) return undefined;
  return (await new Operations(db).get(rec.operation_id))?.status === 'rolled_back' ? rec : undefined;
}

/**
 * Removes what a failover that did not complete brought up on its target, carrying on past
 * failures (a target that cannot be asked at all keeps everything): the PG's record then holds
 * only what remains, for `operation cleanup` to retry. Never throws for what it could not remove,
 * so a rollback always goes on to run the workload on the source again.
 */
export async function removeFailoverCopies(ctx: WorkflowContext, pg: ProtectionGroup, rec: BroughtUp): Promise<TeardownReport & { remaining: boolean }> {
  let report: TeardownReport;
  try {
    const tenant = await ctx.clientsFor(rec.site_id, { asTenantOf: pg });
    report = await teardown(ctx, tenant, rec, (await ctx.site(rec.site_id)).array.name, pg.resources.sites[rec.site_id]?.group_id);
  } catch (err) {
    report = { removed: [], failed: [{ kind: 'site', id: rec.site_id, error: errorText(err) }] };
  }
  const remaining = remainingOf(rec, report);
  await ctx.pgs.setResources(pg.id, (r) => {
    const { failover: _gone, ...rest } = r;
    return remaining ? { ...rest, failover: remaining } : rest;
  });
  return { ...report, remaining: remaining !== undefined };
}
