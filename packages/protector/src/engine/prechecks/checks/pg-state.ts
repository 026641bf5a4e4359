import type { PgStatus } from '../../../db/protection-groups.js';
import { finder, type ActionKind, type Check } from '../check.js';

/**
 * PG states each action may start from. Unplanned failover also accepts `failing_over` and
 * `failed_over_partial` so a failover that stopped half-way can be run again on the survivor. A
 * drill also runs after a failover: it rehearses the way back, on the original primary.
 */
export const ALLOWED_STATES: Record<ActionKind, readonly PgStatus[]> = {
  planned_failover: ['active'],
  unplanned_failover: ['active', 'failing_over', 'failed_over_partial'],
  test_failover: ['active', 'failed_over'],
  failback: ['failed_over'],
  test_cleanup: ['test_failed_over', 'testing'],
};

const find = finder('pg_state');

export const pgStateCheck: Check = {
  name: 'pg_state',
  appliesTo: ['planned_failover', 'unplanned_failover', 'test_failover', 'failback', 'test_cleanup'],
  async run(_ctx, { pg, action }) {
    const allowed = ALLOWED_STATES[action];
    if (allowed.includes(pg.status)) return [];
    return [find('blocker', 'pg_state_invalid', `protection group ${pg.name} (${pg.id}) is ${pg.status}; ${action} needs it ${allowed.join(' or ')}`, { status: pg.status, allowed })];
  },
};
