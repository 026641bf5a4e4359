import type { ProtectionGroup } from '../../db/protection-groups.js';
import { isNotFound } from '@protector/openstack';
import { createWorkflowContext, type WorkflowContext, type WorkflowDeps } from '../context.js';
import type { OperationRecord } from '../operations.js';
import type { Step, Workflow } from '../workflow.js';
import { deleteGroupKeepingVolumes, deleteGroupType } from './cinder-groups.js';
import { groupTypeName } from './names.js';
import { clearSiteResources, failureSetsStatus, loadPg } from './pg.js';
import { removeFromArrayGroup, removeFromCinderGroup } from './member-volumes.js';

type Which = 'primary' | 'secondary';
const siteOf = (pg: ProtectionGroup, which: Which): string => (which === 'primary' ? pg.primary_site_id : pg.secondary_site_id);
const label = (which: Which): string => (which === 'primary' ? 'local' : 'peer');

/**
 * Deleting uses the service user's own (admin) scope on each site, not the tenant trust: a
 * delete must still clean up when the tenant user lost its role or the trust is already gone.
 */
function groupStep(ctx: WorkflowContext, op: OperationRecord, which: Which): Step {
  return {
    name: `delete_${label(which)}_group`,
    run: async () => {
      const pg = await loadPg(ctx, op);
      const siteId = siteOf(pg, which);
      const groupId = pg.resources.sites[siteId]?.group_id;
      if (!groupId) return { site_id: siteId, deleted: false };
      const r = await deleteGroupKeepingVolumes(await ctx.clientsFor(siteId), groupId);
      await clearSiteResources(ctx, pg.id, siteId, ['group_id']);
      return { site_id: siteId, group_id: groupId, ...r };
    },
  };
}

function groupTypeStep(ctx: WorkflowContext, op: OperationRecord, which: Which): Step {
  return {
    name: `delete_${label(which)}_group_type`,
    run: async () => {
      const pg = await loadPg(ctx, op);
      const siteId = siteOf(pg, which);
      const admin = await ctx.clientsFor(siteId);
      // By name too: a pg_create that crashed before recording the id still left it behind.
      const id = pg.resources.sites[siteId]?.group_type_id ?? (await admin.cinder.findGroupTypeByName(groupTypeName(pg.id)))?.id;
      const deleted = id ? await deleteGroupType(admin, id) : false;
      await clearSiteResources(ctx, pg.id, siteId, ['group_type_id']);
      return { site_id: siteId, group_type_id: id ?? null, deleted };
    },
  };
}

/**
 * pg_delete: members' volumes out of the construct and the Cinder group, the array construct,
 * the Cinder groups (volumes kept) and group types on both sites, the trusts, then the PG row.
 * Everything tolerates "already gone", so a re-run after a crash converges. PG → deleting, or →
 * error when a step fails (the tenant can retry the delete).
 */
export function pgDeleteWorkflow(deps: WorkflowDeps): Workflow {
  return {
    type: 'pg_delete',
    steps(op) {
      const ctx = createWorkflowContext(deps);
      return failureSetsStatus(ctx, op.pg_id, 'error', [
        {
          name: 'mark_deleting',
          run: async () => {
            const pg = await loadPg(ctx, op);
            await ctx.pgs.update(pg.id, { status: 'deleting' });
            return { previous_status: pg.status };
          },
        },
        {
          name: 'release_member_volumes',
          run: async () => {
            const pg = await loadPg(ctx, op);
            const members = await ctx.pgs.members(pg.id);
            const array = await removeFromArrayGroup(ctx, pg, members.flatMap((m) => m.details.volumes.map((v) => v.array_volume)));
            const cinder = await removeFromCinderGroup(await ctx.clientsFor(pg.primary_site_id), pg, members.flatMap((m) => m.details.volumes.map((v) => v.volume_id)));
            return { members: members.length, array_removed: array, cinder_removed: cinder.removed };
          },
        },
        {
          name: 'delete_array_group',
          run: async () => {
            const pg = await loadPg(ctx, op);
            const handle = pg.resources.array;
            if (!handle) return { deleted: false };
            // removeMembers: volumes added outside Protector must not block the delete; they are never deleted.
            await ctx.storage.deleteReplicationGroup(handle, { removeMembers: true });
            await ctx.pgs.setResources(pg.id, (r) => ({ sites: r.sites }));
            return { array_group: handle.name, deleted: true };
          },
        },
        groupStep(ctx, op, 'primary'),
        groupStep(ctx, op, 'secondary'),
        groupTypeStep(ctx, op, 'primary'),
        groupTypeStep(ctx, op, 'secondary'),
        {
          name: 'delete_trusts',
          run: async () => {
            const pg = await loadPg(ctx, op);
            // By site: the step's detail is shown to the tenant, and trust ids never are.
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
          },
        },
        {
          name: 'delete_record',
          run: async () => {
            const id = op.pg_id;
            if (id) await ctx.pgs.delete(id);
            return { pg_id: id };
          },
        },
      ]);
    },
  };
}
