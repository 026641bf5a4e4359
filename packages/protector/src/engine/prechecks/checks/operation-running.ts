import { finder, type Check } from '../check.js';

const find = finder('operation_running');

/** One operation per PG: another one holding it would race this action's changes. */
export const operationRunningCheck: Check = {
  name: 'operation_running',
  appliesTo: ['planned_failover', 'unplanned_failover', 'test_failover', 'failback', 'test_cleanup'],
  async run(_ctx, { pg, operationId }) {
    const holder = pg.active_operation_id;
    if (!holder || holder === operationId) return [];
    return [find('blocker', 'operation_running', `operation ${holder} is already running on protection group ${pg.name} (${pg.id})`, { operation_id: holder })];
  },
};
