import { createWorkflowContext, type WorkflowDeps } from '../context.js';
import type { OperationParams } from '../operation-types.js';
import { StepError, type Workflow } from '../workflow.js';
import { documentChanged, loadPg } from './pg.js';
import { arrayOfSite, partialWhenFailed, precheckStep } from './recovery/phases.js';
import { teardown } from './recovery/teardown.js';

/**
 * `test_cleanup`: removes exactly what the drill recorded (servers, ports, Cinder volumes and
 * their array volumes, the isolated network), carrying on past failures and reporting each.
 * Without `force` a failure ends the operation failed with the PG still test_failed_over and
 * the record trimmed to what remains (run it again); with `force` the PG is active again and
 * the remains are listed in the result for an operator.
 */
export function testCleanupWorkflow(deps: WorkflowDeps): Workflow {
  return {
    type: 'test_cleanup',
    steps(op) {
      const ctx = createWorkflowContext(deps);
      const force = (op.params as OperationParams['test_cleanup']).force === true;
      return [
        precheckStep(ctx, op, { action: 'test_cleanup', working: 'testing' }),
        {
          name: 'remove_drill',
          run: async () => {
            const pg = await loadPg(ctx, op);
            const rec = pg.resources.drill;
            if (!rec) return { removed: [], failed: [], nothing_to_do: true };
            const tenant = await ctx.clientsFor(rec.site_id, { asTenantOf: pg });
            const report = await teardown(ctx, tenant, rec, await arrayOfSite(ctx, rec.site_id));
            const left = new Set(report.failed.map((f) => f.id));
            const keep = <T>(o: Record<string, T>, id: (v: T) => string) => Object.fromEntries(Object.entries(o).filter(([, v]) => left.has(id(v))));
            if (report.failed.length && !force) {
              await ctx.pgs.setResources(pg.id, (r) => ({
                ...r,
                drill: {
                  ...rec,
                  servers: keep(rec.servers, (v) => v),
                  ports: keep(rec.ports, (v) => v),
                  volumes: keep(rec.volumes, (v) => v.volume_id),
                  array_volumes: keep(rec.array_volumes, (v) => v),
                  subnets: rec.subnets.filter((s) => left.has(s)),
                  networks: rec.networks.filter((n) => left.has(n)),
                },
              }));
              await ctx.pgs.update(pg.id, { status: 'test_failed_over' });
              throw new StepError(`could not remove ${report.failed.length} object(s) of the drill (run test_cleanup again, or with force): ${report.failed.map((f) => `${f.kind} ${f.id}: ${f.error}`).join('; ')}`, { ...report });
            }
            await ctx.pgs.setResources(pg.id, (r) => {
              const { drill: _gone, ...rest } = r;
              return rest;
            });
            await documentChanged(ctx, pg.id, { status: 'active' });
            return { ...report, forced: force && report.failed.length > 0 };
          },
        },
      ];
    },
    outcome: partialWhenFailed('remove_drill'),
  };
}
