import type { BroughtUp, PgResources } from '../../../db/protection-groups.js';
import type { WorkflowContext } from '../../context.js';
import { StepError } from '../../workflow.js';

/** Where a run keeps what it brings up: a failover (or failback) or a drill. */
export type RecordKey = 'failover' | 'drill';

export const emptyRecord = (operationId: string, siteId: string): BroughtUp => ({
  operation_id: operationId,
  site_id: siteId,
  recovery_point: null,
  recovery_point_time: null,
  networks: [],
  subnets: [],
  array_volumes: {},
  volumes: {},
  ports: {},
  servers: {},
  errors: {},
});

/** The run's record, read fresh; a StepError when the run never started one. */
export function recordOf(resources: PgResources, key: RecordKey, operationId: string): BroughtUp {
  const r = resources[key];
  if (!r) throw new StepError(`the protection group holds no ${key} record for operation ${operationId}`);
  return r;
}

/**
 * Changes the run's record in one transaction. Called right after each object is created, so
 * whoever resumes, rolls back or cleans up knows it exists, whatever happens next.
 */
export async function updateRecord(ctx: WorkflowContext, pgId: string, key: RecordKey, fn: (r: BroughtUp) => void): Promise<BroughtUp> {
  const next = await ctx.pgs.setResources(pgId, (res) => {
    const r = res[key];
    if (!r) throw new StepError(`the protection group holds no ${key} record`);
    const copy = structuredClone(r);
    fn(copy);
    return { ...res, [key]: copy };
  });
  return next[key] as BroughtUp;
}
