import type { Member } from '../../db/protection-groups.js';
import type { WorkflowDeps } from '../context.js';
import { StepError, type Workflow } from '../workflow.js';
import { defineWorkflow, type StepState } from './flow.js';
import { removeFromArrayGroup, removeFromCinderGroup } from './member-volumes.js';
import { documentChanged } from './pg.js';

/** The member record stays until the last step, so every earlier step (and a re-run) can read it. */
async function member(s: StepState<{ server_id: string }, object>): Promise<Member> {
  const id = s.params.server_id;
  const m = await s.ctx.pgs.member(s.pg.id, id);
  if (!m) throw new StepError(`server ${id} is not a member of protection group ${s.pg.id}`, { server_id: id });
  return m;
}

/** member_remove: the reverse of member_add (array construct, Cinder group, record), bumping the metadata version. */
export function memberRemoveWorkflow(deps: WorkflowDeps): Workflow {
  return defineWorkflow(deps, {
    type: 'member_remove',
    steps: (p, flow) =>
      flow
        .step('remove_from_array_group', async (s) => {
          const m = await member(s);
          const out = await removeFromArrayGroup(s.ctx, s.pg, m.details.volumes.map((v) => v.array_volume));
          return { array_group: s.pg.resources.array?.name ?? null, volumes: out };
        })
        .step('remove_from_cinder_group', async (s) => {
          const m = await member(s);
          const tenant = await s.ctx.clientsFor(s.pg.primary_site_id, { asTenantOf: s.pg });
          return removeFromCinderGroup(tenant, s.pg, m.details.volumes.map((v) => v.volume_id));
        })
        .step('delete_member_record', async ({ ctx, pg }) => {
          // A re-run after the record went: nothing to do, and no second version bump.
          if (!(await ctx.pgs.member(pg.id, p.server_id))) return { server_id: p.server_id, already_removed: true };
          await ctx.pgs.removeMember(pg.id, p.server_id);
          const after = await documentChanged(ctx, pg.id);
          return { server_id: p.server_id, metadata_version: after?.metadata_version };
        }),
  });
}
