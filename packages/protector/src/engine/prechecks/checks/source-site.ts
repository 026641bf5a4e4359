import { finder, type Check } from '../check.js';

const find = finder('source_site');

/**
 * Planned failover and failback stop the servers on the source and take the final snapshot
 * there, so the source site's OpenStack must answer (the arrays are the link check's). An
 * unplanned failover is the answer to a source that does not.
 */
export const sourceSiteCheck: Check = {
  name: 'source_site',
  appliesTo: ['planned_failover', 'failback'],
  async run(ctx, input) {
    const site = await ctx.site(input.sourceSiteId);
    try {
      const tenant = await ctx.clientsFor(input.sourceSiteId, { asTenantOf: input.pg });
      await tenant.nova.listServersPage({ limit: 1 });
      return [];
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return [find('blocker', 'source_site_unreachable', `site ${site.name} (the current primary) does not answer: ${error}; a planned failover needs both sites, an unplanned failover does not`, { site_id: input.sourceSiteId, error })];
    }
  },
};
