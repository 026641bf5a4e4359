import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ActionRoutes, type ActionBody } from '@protector/contract';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { ProtectionGroups, standbySiteId, type ProtectionGroup } from '../../db/protection-groups.js';
import { Sites, type Site } from '../../db/sites.js';
import { createBulk, ProtectionGroupsBusy } from '../../engine/bulk-operations.js';
import { settleAll, Slots } from '../../engine/limits.js';
import { Operations } from '../../engine/operations.js';
import { createWorkflowContext } from '../../engine/context.js';
import type { OperationParams } from '../../engine/operation-types.js';
import { ALL_CHECKS, ALLOWED_STATES, runPrechecks, type ActionKind } from '../../engine/prechecks/index.js';
import type { ProtectorAction } from '../../policy/index.js';
import type { ApiDeps } from '../deps.js';
import { caller } from '../auth.js';
import { ApiError, badRequest, conflict, notFound, unavailable } from '../errors.js';
import { loadPg, operationView, recordOperation, tenant, wakeEngine } from './tenant.js';

const DR_ACTIONS = ['failover', 'failback', 'test_failover', 'test_cleanup'] as const;
type DrAction = (typeof DR_ACTIONS)[number];

export interface Chosen {
  name: DrAction;
  kind: ActionKind;
  /** The action's parameters as the operation records them (dry_run is not one). */
  params: { type?: 'planned' | 'unplanned'; recovery_point_id?: string; mappings?: OperationParams['failover']['mappings']; force?: boolean; commit_window?: OperationParams['failover']['commit_window'] };
  dryRun: boolean;
}

function choose(body: Omit<ActionBody, 'sync'> & { sync?: ActionBody['sync'] }): Chosen | 'sync' {
  if (body.sync) return 'sync';
  // Undoing a failover runs the source again: only a planned failover has one to run.
  if (body.failover?.commit_window && body.failover.type !== 'planned') throw badRequest('failover.commit_window', 'Only a planned failover can wait for a commit or a rollback; an unplanned failover\'s source may be gone.');
  // The schema lets exactly one through.
  const name = DR_ACTIONS.find((n) => body[n] !== undefined) ?? 'test_cleanup';
  const { dry_run, ...params } = body[name] ?? {};
  const kind: ActionKind = name === 'failover' ? (body.failover?.type === 'planned' ? 'planned_failover' : 'unplanned_failover') : name;
  return { name, kind, params, dryRun: dry_run === true };
}

/**
 * Where an action must be posted: the site that ends up running the workload (its engine
 * drives both sites, and in an unplanned failover it is the only one left), or for a test
 * cleanup the site the drill ran on.
 */
function runsOn(pg: ProtectionGroup, kind: ActionKind): string {
  return (kind === 'test_cleanup' ? pg.resources.drill?.site_id : undefined) ?? standbySiteId(pg);
}

/**
 * Why this site cannot record `chosen` on `pg` now (one sentence), or undefined when it can: the
 * action runs on the other site, the PG's state does not allow it, or its copies are not in sync.
 */
export async function refusal(sites: Sites, pg: ProtectionGroup, chosen: Chosen, local: Site | undefined): Promise<string | undefined> {
  const where = runsOn(pg, chosen.kind);
  if (local && local.id !== where) {
    const target = await sites.get(where);
    return `${chosen.name} of protection group ${pg.id} runs on site ${target?.name ?? where}, which brings the workload up; post it there (this is site ${local.name}).`;
  }
  if (!ALLOWED_STATES[chosen.kind].includes(pg.status)) {
    return `Protection group ${pg.id} is ${pg.status}; ${chosen.name} needs it ${ALLOWED_STATES[chosen.kind].join(' or ')}.`;
  }
  // Both sites must hold the same document, except when one of them is gone.
  if (pg.sync_state === 'out_of_sync' && chosen.kind !== 'unplanned_failover') {
    return `Protection group ${pg.id} is out_of_sync at metadata version ${pg.metadata_version}; run 'protector protection-group sync' first.`;
  }
  return undefined;
}

/** How many protection groups a bulk dry run pre-checks at once (each check asks the clouds and arrays). */
const PRECHECK_PARALLEL = 8;

/** Every group's pre-check report for `chosen` (a bulk or plan dry run); `recoveryPoint` picks each group's point. */
export async function precheckEach(deps: ApiDeps, groups: readonly ProtectionGroup[], chosen: Chosen, recoveryPoint: (pg: ProtectionGroup) => string | undefined = () => chosen.params.recovery_point_id) {
  const storage = await deps.storage?.();
  if (!storage) throw unavailable('The storage driver is not available: this site and its peer must both be registered (POST /v1/admin/sites).');
  const ctx = createWorkflowContext({ pgs: new ProtectionGroups(deps.db, deps.now), sites: new Sites(deps.db, deps.box, deps.now), storage, now: deps.now });
  const p = chosen.params;
  const slots = new Slots(PRECHECK_PARALLEL);
  const reports = await settleAll(groups, (pg) => slots.run(async () => {
    const r = await runPrechecks(ctx, { action: chosen.kind, pg, recoveryPoint: recoveryPoint(pg), overrides: p.mappings, force: p.force }, ALL_CHECKS);
    return { protection_group_id: pg.id, name: pg.name, action: chosen.kind, ok: r.ok, checks: r.checks, blockers: r.blockers, warnings: r.warnings, report: r.report };
  }));
  return { action: chosen.kind, ok: reports.every((r) => r.ok), protection_groups: reports };
}

export function registerActions(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const pgs = new ProtectionGroups(deps.db, deps.now);
  const sites = new Sites(deps.db, deps.box, deps.now);

  app.post(
    '/v1/:project_id/protection-groups/:pg_id/action',
    { schema: ActionRoutes.run },
    async (request, reply) => {
      const { project_id, pg_id } = request.params;
      const chosen = choose(request.body);
      const rule: ProtectorAction = chosen === 'sync' ? 'protector:actions:sync' : `protector:actions:${chosen.name}`;
      tenant(deps, request, project_id, rule);
      const pg = await loadPg(pgs, project_id, pg_id);

      if (chosen === 'sync') {
        if (pg.status !== 'active' && pg.status !== 'failed_over') throw conflict(`Protection group ${pg.id} is ${pg.status}; sync needs it active or failed_over.`);
        if (!pg.resources.array) throw conflict(`Protection group ${pg.id} has no array construct yet; wait for its creation to finish.`);
        const op = await recordOperation(deps, request, pg, 'replicate', {});
        reply.code(202);
        return { operation: operationView(op) };
      }

      const storage = await deps.storage?.();
      if (!storage) throw unavailable('The storage driver is not available: this site and its peer must both be registered (POST /v1/admin/sites).');
      const ctx = createWorkflowContext({ pgs, sites, storage, now: deps.now });
      const p = chosen.params;
      if (chosen.dryRun) {
        const r = await runPrechecks(ctx, { action: chosen.kind, pg, recoveryPoint: p.recovery_point_id, overrides: p.mappings, force: p.force }, ALL_CHECKS);
        return { precheck: { action: chosen.kind, ok: r.ok, checks: r.checks, blockers: r.blockers, warnings: r.warnings, report: r.report } };
      }

      const why = await refusal(sites, pg, chosen, (await sites.list()).find((s) => s.is_local));
      if (why) throw conflict(why);
      const op = await recordOperation(deps, request, pg, chosen.name, chosen.params as never);
      reply.code(202);
      return { operation: operationView(op) };
    },
  );

  app.post('/v1/:project_id/actions', { schema: ActionRoutes.bulk }, async (request, reply) => {
    const { project_id } = request.params;
    const { protection_groups: ids, ...body } = request.body;
    if (!DR_ACTIONS.some((n) => body[n] !== undefined)) throw new ApiError(400, `Invalid input for field/attribute body. Name one action: ${DR_ACTIONS.slice(0, -1).join(', ')} or ${DR_ACTIONS.at(-1)}.`);
    const chosen = choose(body) as Chosen; // the schema lets no sync through
    tenant(deps, request, project_id, `protector:actions:${chosen.name}`);
    const found = await Promise.all(ids.map((id) => pgs.get(id, project_id)));
    const missing = ids.filter((_, i) => !found[i]);
    // Another project's PG does not exist, as far as this caller can tell.
    if (missing.length > 0) throw notFound(`Protection group${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    const groups = found as ProtectionGroup[];

    if (chosen.dryRun) return { precheck: await precheckEach(deps, groups, chosen) };

    // All or nothing: every reason a group cannot be run from here, in one answer.
    const local = (await sites.list()).find((s) => s.is_local);
    const refusals = (await Promise.all(groups.map((pg) => refusal(sites, pg, chosen, local)))).filter((r): r is string => r !== undefined);
    if (refusals.length > 0) throw conflict(refusals.join(' '));
    const c = caller(request);
    let made: Awaited<ReturnType<typeof createBulk>>;
    try {
      made = await createBulk(
        new Operations(deps.db, deps.now),
        (deps.now ?? Date.now)(),
        { id: randomUUID(), project_id, params: { action: chosen.name, protection_groups: ids, ...chosen.params }, request_id: request.id, user_id: c.userId },
        groups.map((pg) => ({ id: randomUUID(), pg_id: pg.id, type: chosen.name, params: chosen.params })),
      );
    } catch (err) {
      if (err instanceof ProtectionGroupsBusy) throw conflict(`${err.message[0]?.toUpperCase()}${err.message.slice(1)}.`);
      throw err;
    }
    for (const child of made.children) wakeEngine(deps, request, child.id);
    reply.code(202);
    return { operation: operationView(made.parent), children: made.children.map(operationView) };
  });
}
