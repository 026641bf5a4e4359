import type { WorkflowDeps } from '../context.js';
import { StepError, type Workflow } from '../workflow.js';
import { defineWorkflow, type StepState } from './flow.js';
import { documentChanged } from './pg.js';
import { partialWhenFailed } from './recovery/outcome.js';
import { precheck } from './recovery/precheck.js';
import { arrayOfSite } from './recovery/replication.js';
import { remainingOf, teardown } from './recovery/teardown.js';

/** Everything the drill recorded, removed; see testCleanupWorkflow for what a failure does. */
async function removeDrill(s: StepState<{ force?: boolean }, object>) {
  const { ctx, pg } = s;
  const force = s.params.force === true;
  const rec = pg.resources.drill;
  if (!rec) return { removed: [], failed: [], nothing_to_do: true };
  const tenant = await ctx.clientsFor(rec.site_id, { asTenantOf: pg });
  const report = await teardown(ctx, tenant, rec, await arrayOfSite(ctx, rec.site_id));
  if (report.failed.length && !force) {
    const remaining = remainingOf(rec, report);
    await ctx.pgs.setResources(pg.id, (r) => ({ ...r, ...(remaining ? { drill: remaining } : {}) }));
    await ctx.pgs.update(pg.id, { status: 'test_failed_over' });
    throw new StepError(`could not remove ${report.failed.length} object(s) of the drill (run test_cleanup again, or with force): ${report.failed.map((f) => `${f.kind} ${f.id}: ${f.error}`).join('; ')}`, { ...report });
  }
  await ctx.pgs.setResources(pg.id, (r) => {
    const { drill: _gone, ...rest } = r;
    return rest;
  });
  // A drill may rehearse the way back too: the PG returns to the state it was drilled from.
  await documentChanged(ctx, pg.id, { status: pg.current_primary_site_id === pg.primary_site_id ? 'active' : 'failed_over' });
  return { ...report, forced: force && report.failed.length > 0 };
}

/**
 * `test_cleanup`: removes exactly what the drill recorded (servers, ports, Cinder volumes and
 * their array volumes, the isolated network), carrying on past failures and reporting each.
 * Without `force` a failure ends the operation failed with the PG still test_failed_over and
 * the record trimmed to what remains (run it again); with `force` the PG is active again and
 * the remains are listed in the result for an operator.
 */
export function testCleanupWorkflow(deps: WorkflowDeps): Workflow {
  return defineWorkflow(deps, {
    type: 'test_cleanup',
    steps: (_p, flow) => flow.step('precheck', (s) => precheck(s, { action: 'test_cleanup', working: 'testing' })).step('remove_drill', removeDrill),
    outcome: partialWhenFailed('remove_drill'),
  });
}
