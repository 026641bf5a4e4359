import { finder, type Check } from '../check.js';
import { KIND_LABEL, resolveAll, serverList } from '../resolve.js';

const find = finder('mappings');

/** Every resource a member uses has a counterpart on the target (the rule is in resolve.ts); each gap is its own finding. */
export const mappingsCheck: Check = {
  name: 'mappings',
  appliesTo: ['planned_failover', 'unplanned_failover', 'test_failover', 'failback'],
  async run(ctx, input) {
    const target = await ctx.site(input.targetSiteId);
    return (await resolveAll(ctx, input))
      .filter((r) => r.target === null)
      .map((r) => {
        const shown = r.label === r.sourceId ? r.sourceId : `${r.label} (${r.sourceId})`;
        return find('blocker', 'mapping_missing', `no ${KIND_LABEL[r.kind]} mapping for ${shown} to site ${target.name}, used by server ${serverList(r)}`, {
          kind: r.kind,
          source_id: r.sourceId,
          source_site_id: input.sourceSiteId,
          target_site_id: input.targetSiteId,
          servers: r.servers,
        });
      });
  },
};
