import { CONSISTENT_GROUP_SPEC, isNotFound, type SiteClients } from '@protector/openstack';

/** Group creation is asynchronous in Cinder; a group is usable once available. */
const GROUP_WAIT = { timeoutMs: 120_000, intervalMs: 500 };

/**
 * The consistency group type named `name`: the recorded one if it still exists, else one found by
 * name (created by an earlier attempt that crashed before recording it), else a new one. Admin.
 */
export async function ensureGroupType(admin: SiteClients, name: string, recordedId: string | undefined): Promise<{ id: string; created: boolean }> {
  if (recordedId) {
    try {
      return { id: (await admin.cinder.getGroupType(recordedId)).id, created: false };
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const found = await admin.cinder.findGroupTypeByName(name);
  if (found) return { id: found.id, created: false };
  const created = await admin.cinder.createGroupType({ name, description: 'Protector protection group (consistency group type)', groupSpecs: { ...CONSISTENT_GROUP_SPEC } });
  return { id: created.id, created: true };
}

/** The PG's group in the tenant's project, found or created as ensureGroupType does, and waited for. */
export async function ensureGroup(
  tenant: SiteClients,
  req: { name: string; groupTypeId: string; volumeTypes: string[] },
  recordedId: string | undefined,
  onCreated: (id: string) => Promise<void>,
): Promise<{ id: string; created: boolean }> {
  let id: string | undefined;
  if (recordedId) {
    try {
      id = (await tenant.cinder.getGroup(recordedId)).id;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const lookup = async () => (await tenant.cinder.listGroups()).find((g) => g.name === req.name);
  id ??= (await lookup())?.id;
  let created = false;
  if (!id) {
    id = (await tenant.cinder.createGroup({ name: req.name, group_type: req.groupTypeId, volume_types: req.volumeTypes, description: 'Protector protection group' }, { lookup })).id;
    created = true;
  }
  // Recorded before the wait: a crash while Cinder is still creating it must not lose the id.
  await onCreated(id);
  await tenant.cinder.waitForGroupStatus(id, 'available', GROUP_WAIT);
  return { id, created };
}

/** Volume ids in the group (empty when the group is gone). */
export async function groupVolumes(clients: SiteClients, groupId: string): Promise<string[] | null> {
  try {
    return (await clients.cinder.getGroup(groupId, { listVolumes: true })).volumes ?? [];
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Deletes a group but never its volumes: members are taken out first. Gone already is fine. */
export async function deleteGroupKeepingVolumes(clients: SiteClients, groupId: string): Promise<{ deleted: boolean; released_volumes: string[] }> {
  const vols = await groupVolumes(clients, groupId);
  if (vols === null) return { deleted: false, released_volumes: [] };
  try {
    if (vols.length) await clients.cinder.updateGroup(groupId, { removeVolumes: vols });
    await clients.cinder.deleteGroup(groupId, false);
  } catch (err) {
    if (isNotFound(err)) return { deleted: false, released_volumes: vols };
    throw err;
  }
  return { deleted: true, released_volumes: vols };
}

export async function deleteGroupType(admin: SiteClients, id: string): Promise<boolean> {
  try {
    await admin.cinder.deleteGroupType(id);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
