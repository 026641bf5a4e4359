import { finder, type Check } from '../check.js';

const find = finder('replication_link');

/**
 * Planned failover and failback move data over the link (final snapshot, resync), so a link
 * that is down blocks them. Unplanned failover exists for exactly that case, and a drill only
 * reads recovery points already on the target: there it is reported, not blocking.
 */
export const replicationLinkCheck: Check = {
  name: 'replication_link',
  appliesTo: ['planned_failover', 'unplanned_failover', 'test_failover', 'failback'],
  async run(ctx, { pg, action }) {
    const handle = pg.resources.array;
    if (!handle) return [];
    const s = await ctx.storage.replicationStatus(handle);
    if (s.link === 'connected') return [];
    const severity = action === 'planned_failover' || action === 'failback' ? 'blocker' : 'warning';
    return [
      find(severity, 'replication_link_down', `replication link ${s.sourceArray} → ${s.targetArray} of protection group ${pg.name} is ${s.link}: ${s.detail}`, {
        link: s.link,
        source_array: s.sourceArray,
        target_array: s.targetArray,
        source_reachable: s.sourceReachable,
        target_reachable: s.targetReachable,
      }),
    ];
  },
};
