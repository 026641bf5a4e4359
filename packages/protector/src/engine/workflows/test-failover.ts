import type { WorkflowDeps } from '../context.js';
import type { Workflow } from '../workflow.js';
import { defineWorkflow, type StepState } from './flow.js';
import { documentChanged } from './pg.js';
import { bringUp } from './recovery/bring-up.js';
import { partialWhenFailed } from './recovery/outcome.js';
import { precheck } from './recovery/precheck.js';
import { chooseRecoveryPoint } from './recovery/recovery-point.js';
import { recordOf } from './recovery/record.js';

/** The drill's result: its servers, those that did not come up, the recovery point and its time. */
async function report(s: StepState<unknown, object>) {
  const { ctx, pg } = s;
  const rec = recordOf(pg.resources, 'drill', s.opId);
  await documentChanged(ctx, pg.id, { status: 'test_failed_over' });
  const failed = Object.entries(rec.errors).map(([server, error]) => ({ member_server_id: server, error }));
  return { recovery_point: rec.recovery_point, data_as_of: rec.recovery_point_time, servers: rec.servers, failed, site_id: rec.site_id };
}

/**
 * `test_failover` (DR drill) on the secondary: copies of the newest (or chosen) recovery point's
 * volumes managed into Cinder there, the servers booted in tiers on the tenant's test network
 * or an isolated one, each waited for. Production servers, their volumes and the replication
 * are never touched: the drill reads recovery points and writes only copies. Servers that do
 * not come up are reported and the drill ends partial; test_cleanup removes what it made.
 */
export function testFailoverWorkflow(deps: WorkflowDeps, t: { bootTimeoutSeconds?: number } = {}): Workflow {
  return defineWorkflow(deps, {
    type: 'test_failover',
    steps: (p, flow) => {
      const o = { action: 'test_failover', overrides: p.mappings } as const;
      return flow
        .step('precheck', (s) => precheck(s, { ...o, working: 'testing', record: 'drill', recoveryPoint: p.recovery_point_id, testNetworkId: p.network_id }))
        .step('choose_recovery_point', (s) => chooseRecoveryPoint(s, 'drill', p.recovery_point_id))
        .pipe(bringUp('drill', { ...o, strict: false, bootTimeoutSeconds: p.boot_timeout_seconds ?? t.bootTimeoutSeconds, drill: { networkId: p.network_id } }))
        .step('report', report);
    },
    outcome: partialWhenFailed('report'),
  });
}
