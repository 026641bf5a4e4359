import type { Member } from '../../db/protection-groups.js';
import { createWorkflowContext, type WorkflowContext, type WorkflowDeps } from '../context.js';
import type { OperationRecord } from '../operations.js';
import { StepError, type Workflow } from '../workflow.js';
import { removeFromArrayGroup, removeFromCinderGroup } from './member-volumes.js';
import { documentChanged, loadPg } from './pg.js';

function serverId(op: OperationRecord): string {
  const id = (op.params as { server_id?: unknown }).server_id;
  if (typeof id !== 'string') throw new StepError('member_remove needs server_id');
  return id;
}

/** The member record stays until the last step, so every earlier step (and a re-run) can read it. */
async function member(ctx: WorkflowContext, pgId: string, id: string): Promise<Member> {
  const m = await ctx.pgs.member(pgId, id);
  if (!m) throw new StepError(`server ${id} is not a member of protection group ${pgId}`, { server_id: id });
  return m;
}

/** member_remove: the reverse of member_add (array construct, Cinder group, record), bumping the metadata version. */
export function memberRemoveWorkflow(deps: WorkflowDeps): Workflow {
  return {
    type: 'member_remove',
    steps(op) {
      const ctx = createWorkflowContext(deps);
      return [
        {
          name: 'remove_from_array_group',
          run: async () => {
            const pg = await loadPg(ctx, op);
            const m = await member(ctx, pg.id, serverId(op));
            const out = await removeFromArrayGroup(ctx, pg, m.details.volumes.map((v) => v.array_volume));
            return { array_group: pg.resources.array?.name ?? null, volumes: out };
          },
        },
        {
          name: 'remove_from_cinder_group',
          run: async () => {
            const pg = await loadPg(ctx, op);
            const m = await member(ctx, pg.id, serverId(op));
            const tenant = await ctx.clientsFor(pg.primary_site_id, { asTenantOf: pg });
            return removeFromCinderGroup(tenant, pg, m.details.volumes.map((v) => v.volume_id));
          },
        },
        {
          name: 'delete_member_record',
          run: async () => {
            const pg = await loadPg(ctx, op);
            const id = serverId(op);
            // A re-run after the record went: nothing to do, and no second version bump.
            if (!(await ctx.pgs.member(pg.id, id))) return { server_id: id, already_removed: true };
            await ctx.pgs.removeMember(pg.id, id);
            const after = await documentChanged(ctx, pg.id);
            return { server_id: id, metadata_version: after?.metadata_version };
          },
        },
      ];
    },
  };
}
