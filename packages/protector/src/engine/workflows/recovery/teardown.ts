import type { BroughtUp, Leftovers } from '../../../db/protection-groups.js';
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
 * Removes everything a drill or failover brought up on its target, in dependency order
 * (servers, then ports, volumes and their array copies, then subnets and networks), carrying on
 * past failures so that one stuck object does not keep the others: every failure is reported.
 * Array volumes are eradicated, not left for the array's 24 h recovery window: nothing the run
 * created may remain. Repeatable: what is already gone counts as removed.
 */
export async function teardown(ctx: WorkflowContext, tenant: SiteClients, rec: BroughtUp, targetArray: string): Promise<TeardownReport> {
  const report: TeardownReport = { removed: [], failed: [] };
  const side = sideOf(ctx.storage, targetArray);
  await Promise.all(Object.values(rec.servers).map((id) => attempt(report, 'server', id, () => deleteServer(tenant, id))));
  for (const id of Object.values(rec.ports)) await attempt(report, 'port', id, () => gone(tenant.neutron.deletePort(id)));
  for (const v of Object.values(rec.volumes)) {
    if (await attempt(report, 'volume', v.volume_id, () => deleteVolume(tenant, v.volume_id))) {
      await attempt(report, 'array_volume', v.array_volume, () => ctx.storage.deleteVolumes(side, [v.array_volume], { eradicate: true }));
    }
  }
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
export async function removeLeftovers(tenant: SiteClients, left: Leftovers, groupId: string | undefined): Promise<TeardownReport> {
  const report: TeardownReport = { removed: [], failed: [] };
  await Promise.all(left.servers.map((id) => attempt(report, 'server', id, () => deleteServer(tenant, id))));
  for (const id of left.ports) await attempt(report, 'port', id, () => gone(tenant.neutron.deletePort(id)));
  if (groupId && left.volumes.length) {
    try {
      const inGroup = new Set((await tenant.cinder.getGroup(groupId, { listVolumes: true })).volumes ?? []);
      const out = left.volumes.filter((v) => inGroup.has(v));
      if (out.length) await tenant.cinder.updateGroup(groupId, { removeVolumes: out });
    } catch (err) {
      if (!isNotFound(err)) report.failed.push({ kind: 'volume', id: groupId, error: `taking the volumes out of Cinder group ${groupId}: ${errorText(err)}` });
    }
  }
  for (const id of left.volumes) {
    await attempt(report, 'volume', id, async () => {
      try {
        await tenant.cinder.unmanageVolume(id);
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      await tenant.cinder.waitForVolumeDeleted(id, { timeoutMs: 120_000, intervalMs: 250 });
    });
  }
  return report;
}
