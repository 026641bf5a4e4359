import type { ProtectionGroup } from '../../db/protection-groups.js';
import type { SiteClients } from '@protector/openstack';
import type { WorkflowContext } from '../context.js';
import { groupVolumes } from './cinder-groups.js';

/** Shared by member_remove and pg_delete: taking members' volumes out of the PG, never deleting them. */

/** Takes volumes out of the array construct (non-members are ignored by the driver). */
export async function removeFromArrayGroup(ctx: WorkflowContext, pg: ProtectionGroup, arrayVolumes: string[]): Promise<string[]> {
  if (!pg.resources.array || arrayVolumes.length === 0) return [];
  return (await ctx.storage.removeVolumes(pg.resources.array, arrayVolumes)).map((v) => v.name);
}

/** Takes volumes out of the PG's Cinder group on its primary site; those not in it are skipped. Volumes are never deleted. */
export async function removeFromCinderGroup(clients: SiteClients, pg: ProtectionGroup, volumeIds: string[]): Promise<{ group_id?: string; removed: string[] }> {
  const groupId = pg.resources.sites[pg.primary_site_id]?.group_id;
  if (!groupId) return { removed: [] };
  const inGroup = new Set((await groupVolumes(clients, groupId)) ?? []);
  const removed = volumeIds.filter((id) => inGroup.has(id));
  if (removed.length) await clients.cinder.updateGroup(groupId, { removeVolumes: removed });
  return { group_id: groupId, removed };
}
