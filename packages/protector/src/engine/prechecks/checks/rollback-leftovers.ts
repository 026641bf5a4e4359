import { rollbackLeftovers } from '../../workflows/recovery/teardown.js';
import { finder, type Check } from '../check.js';

const find = finder('rollback_leftovers');

/**
 * A rolled-back failover whose rollback could not remove everything keeps a record of what
 * remains on the target; a new failover would start a record of its own and lose track of those
 * objects. So they are removed first, by `operation cleanup` of that operation.
 */
export const rollbackLeftoversCheck: Check = {
  name: 'rollback_leftovers',
  appliesTo: ['planned_failover', 'unplanned_failover', 'failback'],
  async run(ctx, { pg, operationId }) {
    const rec = await rollbackLeftovers(ctx.pgs.db, pg);
    if (!rec || rec.operation_id === operationId) return [];
    return [
      find('blocker', 'rollback_leftovers', `rolled-back operation ${rec.operation_id} left objects on site ${rec.site_id} that its rollback could not remove: run 'protector operation cleanup ${rec.operation_id}' first`, {
        operation_id: rec.operation_id,
        site_id: rec.site_id,
      }),
    ];
  },
};
