import { finder, type Check } from '../check.js';

const find = finder('metadata_in_sync');

/**
 * DESIGN §5: a PG out of sync with its peer must be synced first, or the two sites act on
 * different documents. An unplanned failover runs without the peer, and a plan run's rollback
 * moves back what its own operation just changed, so there it only warns.
 */
export const metadataInSyncCheck: Check = {
  name: 'metadata_in_sync',
  appliesTo: ['planned_failover', 'unplanned_failover', 'test_failover', 'failback', 'test_cleanup'],
  async run(_ctx, { pg, action, revertOf }) {
    if (pg.sync_state === 'in_sync') return [];
    const severity = action === 'unplanned_failover' || revertOf ? 'warning' : 'blocker';
    return [
      find(severity, 'metadata_out_of_sync', `protection group ${pg.name} (${pg.id}) metadata version ${pg.metadata_version} is out of sync with the peer site; run \`protector protection-group sync\` first`, {
        metadata_version: pg.metadata_version,
      }),
    ];
  },
};
