import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { OperationRoutes, type OperationDetail, type OperationStep } from '@protector/contract';
import type { FastifyInstance } from 'fastify';
import { FINISHED, OPERATION_SORT_KEYS, Operations, ResumeRefused, type OperationRecord, type StepRecord } from '../../engine/operations.js';
import type { ApiDeps } from '../deps.js';
import { conflict, notFound } from '../errors.js';
import { fetchPage, listBody, mapPage } from '../pagination.js';
import { isoTime } from '../time.js';
import { caller } from '../auth.js';
import { operationView, recordOperation, tenant, wakeEngine } from './tenant.js';
import { ProtectionGroups } from '../../db/protection-groups.js';
import { resumeChildren } from '../../engine/bulk-operations.js';
import { PARENT_TYPE, PLAN_RUN_TYPE } from '../../engine/operation-parents.js';
import { approveRun, pauseRun, RunControlRefused, unpauseRun, type PlanRunParams } from '../../engine/plan-runs.js';
import { decideCommit } from '../../engine/workflows/recovery/commit-window.js';
import { rollbackLeftovers } from '../../engine/workflows/recovery/teardown.js';

const stepView = (s: StepRecord): OperationStep => ({
  seq: s.seq,
  name: s.name,
  status: s.status,
  started_at: isoTime(s.started_at),
  finished_at: isoTime(s.finished_at),
  duration_ms: s.duration_ms,
  detail: s.detail,
  error: s.error,
});

export const seconds = (ms: number): number => Math.round(Math.max(0, ms) / 100) / 10;

/**
 * The operation's times as the API reports them beside it: how long it waited for an engine
 * (request to first pickup), and the achieved RTO, measured from the request as the user
 * lives it (the wait included), to the end or to now.
 */
export function operationTimes(o: Pick<OperationRecord, 'created_at' | 'started_at' | 'finished_at'>, now: number): { queued_seconds: number; rto_seconds: number | null } {
  const end = o.finished_at ?? now;
  return {
    queued_seconds: seconds((o.started_at ?? end) - o.created_at),
    // Cancelled before any engine took it: nothing was recovered, so there is no RTO to speak of.
    rto_seconds: o.started_at === null && o.finished_at !== null ? null : seconds(end - o.created_at),
  };
}

/** A parent's children in the order its request named their protection groups. */
export async function childrenOf(ops: Operations, o: OperationRecord): Promise<OperationRecord[]> {
  if (o.type !== PARENT_TYPE && o.type !== PLAN_RUN_TYPE) return [];
  // A plan run's in the order it takes its tiers (a rollback's moves back after them, by creation).
  const order = o.type === PLAN_RUN_TYPE ? ((o.params as unknown as PlanRunParams).tiers ?? []).flatMap((t) => t.protection_groups) : Array.isArray(o.params.protection_groups) ? (o.params.protection_groups as string[]) : [];
  if (o.type === PLAN_RUN_TYPE) {
    const rank = (c: OperationRecord) => (typeof c.params.revert_of === 'string' ? order.length : 0) + order.indexOf(c.pg_id ?? '');
    return (await ops.children(o.id)).sort((a, b) => rank(a) - rank(b) || a.created_at - b.created_at);
  }
  const at = (c: OperationRecord) => order.indexOf(c.pg_id ?? '');
  return (await ops.children(o.id)).sort((a, b) => at(a) - at(b));
}

const detailView = async (ops: Operations, o: OperationRecord, now: number): Promise<OperationDetail> => ({
  ...operationView(o),
  steps: (await ops.steps(o.id)).map(stepView),
  children: (await childrenOf(ops, o)).map(operationView),
  ...operationTimes(o, now),
});

/** `/v1/{project_id}/operations`: what the engines did and are doing, step by step. */
export function registerOperations(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const ops = new Operations(deps.db, deps.now);
  const pgs = new ProtectionGroups(deps.db, deps.now);
  const now = deps.now ?? Date.now;

  const load = async (projectId: string, id: string): Promise<OperationRecord> => {
    const o = await ops.get(id);
    // Another project's operation does not exist, as far as this caller can tell.
    if (!o || o.project_id !== projectId) throw notFound(`Operation ${id}`);
    return o;
  };

  app.get(
    '/v1/:project_id/operations',
    { schema: OperationRoutes.list },
    async (request) => {
      const { project_id } = request.params;
      tenant(deps, request, project_id, 'protector:operations:list');
      const { pg_id, parent_id, status, type } = request.query;
      const page = await fetchPage(request.query, { sortKeys: OPERATION_SORT_KEYS, defaultSort: 'created_at:desc', ...deps.limits }, (p) => ops.page(project_id, { pg_id, parent_id, status, type }, p));
      return listBody('operations', mapPage(page, operationView), `/v1/${project_id}/operations`);
    },
  );

  app.get('/v1/:project_id/operations/:operation_id', { schema: OperationRoutes.show }, async (request) => {
    const { project_id, operation_id } = request.params;
    tenant(deps, request, project_id, 'protector:operations:show');
    const o = await load(project_id, operation_id);
    return { operation: await detailView(ops, o, now()) };
  });

  app.post('/v1/:project_id/operations/:operation_id/cleanup', { schema: OperationRoutes.cleanup }, async (request, reply) => {
    const { project_id, operation_id } = request.params;
    tenant(deps, request, project_id, 'protector:operations:cleanup');
    const o = await load(project_id, operation_id);
    const pg = o.pg_id ? await pgs.get(o.pg_id, project_id) : undefined;
    // The failover's last step again while its leftovers on the old primary remain, or what a
    // rolled-back failover could not remove from its target.
    const leftBehind = pg && (pg.resources.leftovers?.operation_id === o.id || (await rollbackLeftovers(deps.db, pg))?.operation_id === o.id);
    if (!pg || !leftBehind) throw conflict(`Operation ${o.id} left nothing to clean up.`);
    const op = await recordOperation(deps, request, pg, 'cleanup', { operation_id: o.id });
    reply.code(202);
    return { operation: operationView(op) };
  });

  app.post('/v1/:project_id/operations/:operation_id/resume', { schema: OperationRoutes.resume }, async (request, reply) => {
    const { project_id, operation_id } = request.params;
    tenant(deps, request, project_id, 'protector:operations:resume');
    const o = await load(project_id, operation_id);
    const by = caller(request).userId;
    let resumed: OperationRecord;
    try {
      if (o.type === PLAN_RUN_TYPE && o.result.paused) {
        // A paused run goes on from where it waits; its engine holds it still.
        await unpauseRun(deps.db, o.id, now());
        reply.code(202);
        return { operation: operationView((await ops.get(o.id)) as OperationRecord) };
      }
      resumed = o.type === PARENT_TYPE ? await resumeChildren(ops, o.id, by) : await ops.resume(o.id, by);
    } catch (err) {
      if (err instanceof ResumeRefused) throw conflict(`${err.message}.`);
      if (err instanceof RunControlRefused) throw conflict(err.message);
      throw err;
    }
    if (o.type !== PARENT_TYPE) wakeEngine(deps, request, resumed.id);
    else for (const c of await ops.children(o.id)) if (c.status === 'running' || c.status === 'rolling_back') wakeEngine(deps, request, c.id);
    reply.code(202);
    return { operation: operationView(resumed) };
  });

  const runControl = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      if (err instanceof RunControlRefused) throw conflict(err.message);
      throw err;
    }
  };

  app.post('/v1/:project_id/operations/:operation_id/approve', { schema: OperationRoutes.approve }, async (request) => {
    const { project_id, operation_id } = request.params;
    tenant(deps, request, project_id, 'protector:operations:approve');
    const o = await load(project_id, operation_id);
    await runControl(() => approveRun(deps.db, o.id, caller(request).userId, now(), request.body?.comment));
    return { operation: await detailView(ops, (await ops.get(o.id)) as OperationRecord, now()) };
  });

  for (const decision of ['commit', 'rollback'] as const) {
    app.post(`/v1/:project_id/operations/:operation_id/${decision}`, { schema: OperationRoutes[decision] }, async (request) => {
      const { project_id, operation_id } = request.params;
      tenant(deps, request, project_id, `protector:operations:${decision}`);
      const o = await load(project_id, operation_id);
      await runControl(() => decideCommit(deps.db, o.id, decision, caller(request).userId, now()));
      return { operation: await detailView(ops, (await ops.get(o.id)) as OperationRecord, now()) };
    });
  }

  app.post('/v1/:project_id/operations/:operation_id/pause', { schema: OperationRoutes.pause }, async (request) => {
    const { project_id, operation_id } = request.params;
    tenant(deps, request, project_id, 'protector:operations:pause');
    const o = await load(project_id, operation_id);
    await runControl(() => pauseRun(deps.db, o.id, caller(request).userId, now()));
    return { operation: await detailView(ops, (await ops.get(o.id)) as OperationRecord, now()) };
  });

  app.post('/v1/:project_id/operations/:operation_id/cancel', { schema: OperationRoutes.cancel }, async (request) => {
    const { project_id, operation_id } = request.params;
    tenant(deps, request, project_id, 'protector:operations:cancel');
    const o = await load(project_id, operation_id);
    if (FINISHED.includes(o.status)) throw conflict(`Operation ${o.id} is already ${o.status}.`);
    // Only what no engine has started is safe to stop: nothing has been changed yet. A parent's
    // children that have started go on; those still waiting are cancelled.
    if (!(await ops.cancel(o.id))) {
      throw conflict(
        o.type === PARENT_TYPE
          ? `Every child operation of ${o.id} has started and cannot be cancelled safely; wait for them to finish, then clean up if needed.`
          : `Operation ${o.id} is running and cannot be cancelled safely; wait for it to finish, then clean up if needed.`,
      );
    }
    const after = (await ops.get(o.id)) as OperationRecord;
    return { operation: await detailView(ops, after, now()) };
  });
}
