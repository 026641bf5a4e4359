import { isNotFound } from '@protector/openstack';
import type { WorkflowDeps } from '../context.js';
import type { Workflow } from '../workflow.js';
import { deleteGroupKeepingVolumes, deleteGroupType } from './cinder-groups.js';
import { defineWorkflow, type PgRun } from './flow.js';
import { removeFromArrayGroup, removeFromCinderGroup } from './member-volumes.js';
import { groupTypeName } from './names.js';
import { clearSiteResources, siteOf, type Which } from './pg.js';


/**
 * Deleting uses the service user's own (admin) scope on each site, not the tenant trust: a
 * delete must still clean up when the tenant user lost its role or the trust is already gone.
 */
async function deleteGroup({ ctx, pg }: PgRun, which: Which) {
  const siteId = siteOf(pg, which);
  const groupId = pg.resources.sites[siteId]?.group_id;
  if (!groupId) return { site_id: siteId, deleted: false };
  const r = await deleteGroupKeepingVolumes(await ctx.clientsFor(siteId), groupId);
  await clearSiteResources(ctx, pg.id, siteId, ['group_id']);
  return { site_id: siteId, group_id: groupId, ...r };
}

async function deleteType({ ctx, pg }: PgRun, which: Which) {
  const siteId = siteOf(pg, which);
  const admin = await ctx.clientsFor(siteId);
  // By name too: a pg_create that crashed before recording the id still left it behind.
  const id = pg.resources.sites[siteId]?.group_type_id ?? (await admin.cinder.findGroupTypeByName(groupTypeName(pg.id)))?.id;
  const deleted = id ? await deleteGroupType(admin, id) : false;
  await clearSiteResources(ctx, pg.id, siteId, ['group_type_id']);
  return { site_id: siteId, group_type_id: id ?? null, deleted };
}

async function releaseMemberVolumes({ ctx, pg }: PgRun) {
  const members = await ctx.pgs.members(pg.id);
  const array = await removeFromArrayGroup(ctx, pg, members.flatMap((m) => m.details.volumes.map((v) => v.array_volume)));
  const cinder = await removeFromCinderGroup(await ctx.clientsFor(pg.primary_site_id), pg, members.flatMap((m) => m.details.volumes.map((v) => v.volume_id)));
  return { members: members.length, array_removed: array, cinder_removed: cinder.removed };
}

async function deleteArrayGroup({ ctx, pg }: PgRun) {
  const handle = pg.resources.array;
  if (!handle) return { deleted: false };
  // removeMembers: volumes added outside Protector must not block the delete; they are never deleted.
  await ctx.storage.deleteReplicationGroup(handle, { removeMembers: true });
  await ctx.pgs.setResources(pg.id, (r) => ({ sites: r.sites }));
  return { array_group: handle.name, deleted: true };
}

/** By site: the step's detail is shown to the tenant, and trust ids never are. */
async function deleteTrusts({ ctx, pg }: PgRun) {
  const deleted: string[] = [];
  for (const siteId of [pg.primary_site_id, pg.secondary_site_id]) {
    const trustId = pg.resources.sites[siteId]?.trust_id;
    if (!trustId) continue;
    try {
      await (await ctx.clientsFor(siteId)).keystone.deleteTrust(trustId);
      deleted.push(siteId);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await clearSiteResources(ctx, pg.id, siteId, ['trust_id']);
  }
  return { deleted_on_sites: deleted };
}

/**
 * pg_delete: members' volumes out of the construct and the Cinder group, the array construct,
 * the Cinder groups (volumes kept) and group types on both sites, the trusts, then the PG row.
 * Everything tolerates "already gone", so a re-run after a crash converges. PG → deleting, or →
 * error when a step fails (the tenant can retry the delete).
 */
export function pgDeleteWorkflow(deps: WorkflowDeps): Workflow {
  return defineWorkflow(deps, {
    type: 'pg_delete',
    failureStatus: 'error',
    steps: (_p, flow) =>
      flow
        .step('mark_deleting', async ({ ctx, pg }) => {
          await ctx.pgs.update(pg.id, { status: 'deleting' });
          return { previous_status: pg.status };
        })
        .step('release_member_volumes', releaseMemberVolumes)
        .step('delete_array_group', deleteArrayGroup)
        .step('delete_local_group', (s) => deleteGroup(s, 'primary'))
        .step('delete_peer_group', (s) => deleteGroup(s, 'secondary'))
        .step('delete_local_group_type', (s) => deleteType(s, 'primary'))
        .step('delete_peer_group_type', (s) => deleteType(s, 'secondary'))
        .step('delete_trusts', deleteTrusts)
        // The PG row may be gone already (deleted, then the engine died before recording it).
        .stepWithoutPg('delete_record', async ({ ctx, pgId }) => {
          if (pgId) await ctx.pgs.delete(pgId);
          return { pg_id: pgId };
        }),
  });
}
