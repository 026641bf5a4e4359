import { finder, type Check, type Finding } from '../check.js';
import { existsOnTarget, KIND_LABEL, resolveAll, serverList } from '../resolve.js';

const find = finder('target_resources');

/**
 * A mapping names a target resource, but nothing keeps it there: a flavor deleted or a network
 * removed after the mapping was saved would fail the boot half-way. Same-name and same-id
 * matches were found on the target already; only mapped targets need asking.
 */
export const targetResourcesCheck: Check = {
  name: 'target_resources',
  appliesTo: ['planned_failover', 'unplanned_failover', 'test_failover', 'failback'],
  async run(ctx, input) {
    const target = await ctx.site(input.targetSiteId);
    const out: Finding[] = [];
    await Promise.all(
      (await resolveAll(ctx, input)).map(async (r) => {
        if (r.target?.via !== 'mapping') return;
        if (await existsOnTarget(ctx, input, r.kind, r.target.id)) return;
        out.push(
          find('blocker', `target_${r.kind}_missing`, `${KIND_LABEL[r.kind]} ${r.target.id} (mapped from ${r.label}) does not exist on site ${target.name} or is not visible to the project, needed by server ${serverList(r)}`, {
            kind: r.kind,
            source_id: r.sourceId,
            target_id: r.target.id,
            servers: r.servers,
          }),
        );
      }),
    );
    // Concurrent lookups finish in any order; a stable report is easier to read and to compare.
    return out.sort((a, b) => a.message.localeCompare(b.message));
  },
};
