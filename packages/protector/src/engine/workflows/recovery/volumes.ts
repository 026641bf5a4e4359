import type { MemberVolume } from '../../../db/protection-groups.js';
import { isNotFound, type SiteClients, type Volume } from '@protector/openstack';
import type { Side, StorageDriver } from '../../../storage/index.js';
import { settleAll } from '../../limits.js';
import { StepError } from '../../workflow.js';
import { arrayVolumeName } from '../names.js';
import { LIST_POLL_MS, planFor, shortId, type PlanOptions, type RecoveryState } from './plan.js';
import { recordOf, updateRecord, type RecordKey } from './record.js';

const VOLUME_WAIT = { timeoutMs: 300_000, intervalMs: 250 };

/** The new array volume a source volume is restored into: deterministic, so a retry finds it. */
export const restoredName = (opId: string, sourceVolumeId: string): string => `pr-${shortId(opId)}-${sourceVolumeId}`;

/** Which side of this site's driver an array is. */
export function sideOf(storage: StorageDriver, array: string): Side {
  if (array === storage.localArray) return 'local';
  if (array === storage.peerArray) return 'peer';
  throw new StepError(`array ${array} is neither this site's (${storage.localArray}) nor its peer (${storage.peerArray})`);
}

/**
 * Restores every member volume from the run's recovery point as a new volume on the target
 * array (copies: the replicated snapshots and production volumes are never touched). Volumes
 * already managed by an earlier attempt are skipped: their restored copy was renamed by Cinder.
 */
export async function restoreVolumes(s: RecoveryState, key: RecordKey, opts: PlanOptions) {
  const { ctx, opId } = s;
  const plan = await planFor(s, opts);
  const handle = plan.pg.resources.array;
  if (!handle) throw new StepError(`protection group ${plan.pg.id} has no array construct`);
  const rec = recordOf(plan.pg.resources, key, opId);
  if (!rec.recovery_point) throw new StepError('no recovery point was chosen for this run');
  const wanted = plan.members.flatMap((m) => m.details.volumes).filter((v) => !rec.volumes[v.volume_id]);
  const restored = wanted.length
    ? await ctx.limited(plan.targetSiteId, 'array', () => ctx.storage.restoreVolumes(handle, rec.recovery_point!, wanted.map((v) => ({ source: v.array_volume, target: restoredName(opId, v.volume_id) })), { overwrite: false }))
    : [];
  const bySource = new Map(restored.map((r) => [r.source, r.name]));
  await updateRecord(ctx, plan.pg.id, key, (r) => {
    for (const v of wanted) {
      const name = bySource.get(v.array_volume);
      if (name) r.array_volumes[v.volume_id] = name;
    }
  });
  return { recovery_point: rec.recovery_point, array: handle.targetArray, restored: restored.map((r) => ({ source: r.source, volume: r.name, size: r.size })) };
}

/** The target's volume backend (`host@backend`), which Cinder's manage needs; admin. */
async function backendHost(admin: SiteClients, volumeTypeBackend: string | undefined): Promise<string> {
  const services = (await admin.cinder.listVolumeServices()).filter((s) => s.status === 'enabled' && s.state === 'up');
  const match = volumeTypeBackend ? services.find((s) => s.host.split('@')[1] === volumeTypeBackend) : undefined;
  const chosen = match ?? services[0];
  if (!chosen) throw new StepError('the target site has no cinder-volume service up to manage the restored volumes into');
  return chosen.host;
}

const volumeLabel = (memberName: string, v: MemberVolume): string => `${memberName}-${(v.device.split('/').pop() || v.volume_id.slice(0, 8))}`;

/**
 * What this run managed before a crash lost the answers, by source volume: one list of the
 * volumes carrying its Protector metadata, instead of a lookup per volume.
 */
async function managedEarlier(tenant: SiteClients, opId: string): Promise<Map<string, Volume>> {
  const mine = await tenant.cinder.listVolumes({ metadata: { protector_operation_id: opId } });
  return new Map(mine.filter((v) => v.metadata.protector_operation_id === opId && v.metadata.protector_source_volume_id).map((v) => [v.metadata.protector_source_volume_id!, v]));
}

/**
 * Manages each restored array volume into the target's Cinder, in the tenant's project and with
 * the mapped volume type, and (failover) adds them to the PG's Cinder group there. All volumes at
 * once within the engine's Cinder limit for the site; each is recorded before it is waited for,
 * and the waits share one list per interval.
 */
export async function manageVolumes(s: RecoveryState, key: RecordKey, opts: PlanOptions & { addToGroup: boolean }) {
  const { ctx, opId } = s;
  const plan = await planFor(s, opts);
  const tenant = await plan.tenant();
  const admin = await plan.admin();
  const rec = recordOf(plan.pg.resources, key, opId);
  const all = plan.members.flatMap((m) => m.details.volumes.map((v) => ({ m, v })));
  const first = all.find(({ v }) => !rec.volumes[v.volume_id]);
  let host: Promise<string> | undefined;
  const hostFor = (volumeType: string) =>
    (host ??= admin.cinder.getVolumeType(volumeType).then((t) => t.extra_specs, () => ({}) as Record<string, string>).then((specs) => backendHost(admin, specs.volume_backend_name)));
  // The backend host is asked beside the list of earlier manages (both come before the first
  // manage); a failure is the first manage's to report.
  if (first) void plan.target('volume_type', first.v.volume_type).then(hostFor).catch(() => undefined);
  const earlier = first ? await managedEarlier(tenant, opId) : new Map<string, Volume>();
  const waits = tenant.cinder.volumeWait({ metadata: { protector_operation_id: opId } }, { intervalMs: LIST_POLL_MS });
  let done = 0;
  const managed = await settleAll(all, ({ m, v }) =>
    ctx.limited(plan.targetSiteId, 'cinder', async () => {
      let got = rec.volumes[v.volume_id];
      if (!got) {
        const found = earlier.get(v.volume_id);
        if (found) {
          got = { volume_id: found.id, array_volume: arrayVolumeName(found.id) };
        } else {
          const source = rec.array_volumes[v.volume_id];
          if (!source) throw new StepError(`volume ${v.volume_id} of server ${m.name} was not restored from the recovery point`, { server_id: m.server_id, volume_id: v.volume_id });
          const name = volumeLabel(m.name, v);
          const volumeType = await plan.target('volume_type', v.volume_type);
          const created = await tenant.cinder.manageVolume({
            host: await hostFor(volumeType),
            sourceName: source,
            name,
            volume_type: volumeType,
            bootable: v.boot_index === 0,
            description: `${key === 'drill' ? 'Drill copy' : 'Failover copy'} of volume ${v.volume_id} (server ${m.name}) by Protector operation ${opId}`,
            metadata: { protector_operation_id: opId, protector_source_volume_id: v.volume_id, protector_pg_id: plan.pg.id },
          }, { lookup: async () => (await managedEarlier(tenant, opId)).get(v.volume_id) });
          got = { volume_id: created.id, array_volume: arrayVolumeName(created.id) };
        }
        const entry = got;
        await updateRecord(ctx, plan.pg.id, key, (r) => void (r.volumes[v.volume_id] = entry));
      }
      await waits.wait(got.volume_id, ['available', 'in-use'], { timeoutMs: VOLUME_WAIT.timeoutMs });
      void s.progress({ managed: ++done, of: all.length });
      return { server: m.name, source_volume_id: v.volume_id, volume_id: got.volume_id };
    }),
  );
  let groupId: string | undefined;
  if (opts.addToGroup) {
    groupId = plan.pg.resources.sites[plan.targetSiteId]?.group_id;
    if (!groupId) throw new StepError(`protection group ${plan.pg.id} has no Cinder group on the target site`);
    const inGroup = new Set((await tenant.cinder.getGroup(groupId, { listVolumes: true })).volumes ?? []);
    const add = managed.map((x) => x.volume_id).filter((id) => !inGroup.has(id));
    if (add.length) await tenant.cinder.updateGroup(groupId, { addVolumes: add });
  }
  return { volumes: managed, ...(groupId ? { group_id: groupId } : {}) };
}

/** Deletes a Cinder volume and waits until it is gone; gone already is fine. */
export async function deleteVolume(clients: SiteClients, id: string): Promise<void> {
  try {
    await clients.cinder.deleteVolume(id);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  await clients.cinder.waitForVolumeDeleted(id, VOLUME_WAIT);
}
