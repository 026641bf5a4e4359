import { createWorkflowContext, type WorkflowDeps } from '../context.js';
import type { OperationParams } from '../operation-types.js';
import type { Workflow } from '../workflow.js';
import { documentChanged, loadPg } from './pg.js';
import { bringUpSteps } from './recovery/bring-up.js';
import { chooseRecoveryPointStep, partialWhenFailed, precheckStep } from './recovery/phases.js';
import { recordOf } from './recovery/record.js';

/**
 * `test_failover` (DR drill) on the secondary: copies of the newest (or chosen) recovery point's
 * volumes managed into Cinder there, the servers booted in tiers on the tenant's test network
 * or an isolated one, each waited for. Production servers, their volumes and the replication
 * are never touched: the drill reads recovery points and writes only copies. Servers that do
 * not come up are reported and the drill ends partial; test_cleanup removes what it made.
 */
export function testFailoverWorkflow(deps: WorkflowDeps, t: { bootTimeoutSeconds?: number } = {}): Workflow {
  return {
    type: 'test_failover',
    steps(op) {
      const ctx = createWorkflowContext(deps);
      const p = op.params as OperationParams['test_failover'];
      const action = 'test_failover';
      const base = { action, overrides: p.mappings } as const;
      return [
        precheckStep(ctx, op, { action, working: 'testing', record: 'drill', recoveryPoint: p.recovery_point_id, overrides: p.mappings }),
        chooseRecoveryPointStep(ctx, op, 'drill', p.recovery_point_id),
        ...bringUpSteps(ctx, op, 'drill', { ...base, strict: false, bootTimeoutSeconds: p.boot_timeout_seconds ?? t.bootTimeoutSeconds, drill: { networkId: p.network_id } }),
        {
          name: 'report',
          run: async () => {
            const pg = await loadPg(ctx, op);
            const rec = recordOf(pg.resources, 'drill', op.id);
            await documentChanged(ctx, pg.id, { status: 'test_failed_over' });
            const failed = Object.entries(rec.errors).map(([server, error]) => ({ member_server_id: server, error }));
            return { recovery_point: rec.recovery_point, data_as_of: rec.recovery_point_time, servers: rec.servers, failed, site_id: rec.site_id };
          },
        },
      ];
    },
    outcome: partialWhenFailed('report'),
  };
}
