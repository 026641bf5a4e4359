import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { RecoveryPlanRoutes, type PlanHookInput, type PlanRunBody, type PlanTier, type RecoveryPlan } from '@protector/contract';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { ProtectionGroups, type ProtectionGroup } from '../../db/protection-groups.js';
import { HookSecretMissing, PLAN_SORT_KEYS, PlanVersionConflict, publicHook, RecoveryPlans, type RecoveryPlanRecord } from '../../db/recovery-plans.js';
import { Sites } from '../../db/sites.js';
import { ProtectionGroupsBusy } from '../../engine/bulk-operations.js';
import { Operations } from '../../engine/operations.js';
import { actionParams, createPlanRun, modeAction, PlanBusy, runCommitWindow, runTiers, type PlanRunParams } from '../../engine/plan-runs.js';
import { ALLOWED_STATES } from '../../engine/prechecks/index.js';
import { caller } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, conflict, notFound, unavailable } from '../errors.js';
import { fetchPage, listBody, mapPage } from '../pagination.js';
import { isoTime } from '../time.js';
import { precheckEach, refusal, type Chosen } from './actions.js';
import { operationView, tenant, wakeEngine } from './tenant.js';

export const planView = (p: RecoveryPlanRecord): RecoveryPlan => ({
  id: p.id,
  project_id: p.project_id,
  name: p.name,
  description: p.description,
  version: p.version,
  tiers: p.tiers,
  hooks: p.hooks.map(publicHook),
  commit_window: p.commit_window,
  active_run_id: p.active_run_id,
  created_at: isoTime(p.created_at),
  updated_at: isoTime(p.updated_at),
});

/**
 * The tiers as the user gave them, checked against this site: tier names unique, each PG in one
 * tier only and a PG of the caller's project here (another project's does not exist).
 */
/** Hooks named once each, a tier hook naming a tier of the plan. */
function checkHooks(hooks: readonly PlanHookInput[] | undefined, tiers: readonly PlanTier[]): void {
  const names = new Set<string>();
  for (const [i, h] of (hooks ?? []).entries()) {
    if (names.has(h.name)) throw badRequest(`recovery_plan.hooks[${i}].name`, `Hook '${h.name}' is named twice.`);
    names.add(h.name);
    if (h.tier !== undefined && h.event !== 'before_tier' && h.event !== 'after_tier') throw badRequest(`recovery_plan.hooks[${i}].tier`, `A ${h.event} hook is not about a tier.`);
    if (h.tier !== undefined && !tiers.some((t) => t.name === h.tier)) throw badRequest(`recovery_plan.hooks[${i}].tier`, `The plan has no tier '${h.tier}'.`);
  }
}

async function checkTiers(pgs: ProtectionGroups, projectId: string, tiers: readonly PlanTier[], field: string): Promise<void> {
  const names = new Set<string>();
  const seen = new Map<string, number>();
  for (const [i, t] of tiers.entries()) {
    if (names.has(t.name)) throw badRequest(`${field}[${i}].name`, `Tier '${t.name}' is named twice; each tier needs its own name.`);
    names.add(t.name);
    for (const [j, id] of t.protection_groups.entries()) {
      const earlier = seen.get(id);
      if (earlier !== undefined) throw badRequest(`${field}[${i}].protection_groups[${j}]`, `Protection group ${id} is already in tier '${tiers[earlier]?.name}'; a protection group belongs to one tier of a plan.`);
      seen.set(id, i);
    }
  }
  const ids = [...seen.keys()];
  const found = await Promise.all(ids.map((id) => pgs.get(id, projectId)));
  const missing = ids.filter((_, k) => !found[k]);
  if (missing.length > 0) throw badRequest(`${field}`, `Protection group${missing.length > 1 ? 's' : ''} ${missing.join(', ')} could not be found in project ${projectId}.`);
}

const PLAN_EXISTS = (name: string, project: string) => conflict(`A recovery plan named '${name}' already exists in project ${project}.`);

export function registerPlans(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const plans = new RecoveryPlans(deps.db, deps.box, deps.now);
  const pgs = new ProtectionGroups(deps.db, deps.now);
  const sites = new Sites(deps.db, deps.box, deps.now);
  const base = (project: string) => `/v1/${project}/recovery-plans`;

  const load = async (projectId: string, id: string): Promise<RecoveryPlanRecord> => {
    const p = await plans.get(id, projectId);
    if (!p) throw notFound(`Recovery plan ${id}`);
    return p;
  };
  const versioned = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof PlanVersionConflict) throw conflict(err.message);
      if (err instanceof HookSecretMissing) throw badRequest(`recovery_plan.hooks[${err.index}].secret`, `Hook '${err.hook}' is new: give the secret its callouts are signed with.`);
      throw err;
    }
  };

  app.get('/v1/:project_id/recovery-plans', { schema: RecoveryPlanRoutes.list }, async (request) => {
    const { project_id } = request.params;
    tenant(deps, request, project_id, 'protector:recovery_plans:list');
    const page = await fetchPage(request.query, { sortKeys: PLAN_SORT_KEYS, defaultSort: 'name:asc', ...deps.limits }, (p) => plans.page(project_id, { name: request.query.name }, p));
    return listBody('recovery_plans', mapPage(page, planView), base(project_id));
  });

  app.post('/v1/:project_id/recovery-plans', { schema: RecoveryPlanRoutes.create }, async (request, reply) => {
    const { project_id } = request.params;
    tenant(deps, request, project_id, 'protector:recovery_plans:create');
    const b = request.body.recovery_plan;
    await checkTiers(pgs, project_id, b.tiers, 'recovery_plan.tiers');
    checkHooks(b.hooks, b.tiers);
    if (await plans.findByName(project_id, b.name)) throw PLAN_EXISTS(b.name, project_id);
    const made = await versioned(() => plans.create(randomUUID(), project_id, { name: b.name, description: b.description ?? '', tiers: b.tiers, hooks: b.hooks, commit_window: b.commit_window }));
    reply.code(201);
    return { recovery_plan: planView(made) };
  });

  app.get('/v1/:project_id/recovery-plans/:plan_id', { schema: RecoveryPlanRoutes.show }, async (request) => {
    const { project_id, plan_id } = request.params;
    tenant(deps, request, project_id, 'protector:recovery_plans:show');
    return { recovery_plan: planView(await load(project_id, plan_id)) };
  });

  app.put('/v1/:project_id/recovery-plans/:plan_id', { schema: RecoveryPlanRoutes.update }, async (request) => {
    const { project_id, plan_id } = request.params;
    tenant(deps, request, project_id, 'protector:recovery_plans:update');
    const cur = await load(project_id, plan_id);
    const b = request.body.recovery_plan;
    if (b.tiers) await checkTiers(pgs, project_id, b.tiers, 'recovery_plan.tiers');
    if (b.name !== undefined && b.name !== cur.name && (await plans.findByName(project_id, b.name))) throw PLAN_EXISTS(b.name, project_id);
    const next = { name: b.name ?? cur.name, description: b.description ?? cur.description, tiers: b.tiers ?? cur.tiers, hooks: b.hooks, commit_window: b.commit_window };
    checkHooks(b.hooks ?? cur.hooks, next.tiers);
    return { recovery_plan: planView(await versioned(() => plans.update(plan_id, project_id, next, b.expected_version))) };
  });

  app.delete('/v1/:project_id/recovery-plans/:plan_id', { schema: RecoveryPlanRoutes.delete }, async (request, reply) => {
    const { project_id, plan_id } = request.params;
    tenant(deps, request, project_id, 'protector:recovery_plans:delete');
    const cur = await load(project_id, plan_id);
    if (!(await plans.delete(plan_id, project_id))) throw conflict(`Recovery plan ${plan_id} is being run by operation ${cur.active_run_id ?? '(unknown)'}; delete it once the run has ended.`);
    reply.code(204);
  });

  app.put('/v1/:project_id/recovery-plans/:plan_id/metadata', { schema: RecoveryPlanRoutes.copy }, async (request) => {
    const { project_id, plan_id } = request.params;
    tenant(deps, request, project_id, 'protector:recovery_plans:copy');
    const b = request.body.recovery_plan;
    // User intent only: checked against the caller's own project here, as any plan is.
    await checkTiers(pgs, project_id, b.tiers, 'recovery_plan.tiers');
    checkHooks(b.hooks, b.tiers);
    const other = await plans.findByName(project_id, b.name);
    if (other && other.id !== plan_id) throw PLAN_EXISTS(b.name, project_id);
    return { recovery_plan: planView(await versioned(() => plans.storeCopy(plan_id, project_id, { name: b.name, description: b.description, tiers: b.tiers, hooks: b.hooks, commit_window: b.commit_window ?? null }, b.version))) };
  });

  app.post('/v1/:project_id/recovery-plans/:plan_id/run', { schema: RecoveryPlanRoutes.run }, async (request, reply) => {
    const { project_id, plan_id } = request.params;
    tenant(deps, request, project_id, 'protector:recovery_plans:run');
    const plan = await load(project_id, plan_id);
    const body = request.body;
    const act = modeAction(body.mode);
    const all = plan.tiers.flatMap((t) => t.protection_groups);
    if (!act.pointInTime && (body.recovery_points || body.before)) throw badRequest(body.before ? 'before' : 'recovery_points', `A ${body.mode} run does not take recovery points; drill, unplanned and point_in_time runs do.`);
    const unknown = Object.keys(body.recovery_points ?? {}).filter((id) => !all.includes(id));
    if (unknown.length > 0) throw badRequest('recovery_points', `Protection group${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not in recovery plan ${plan.name}.`);
    if (body.mode === 'point_in_time' && !body.before && all.some((id) => !body.recovery_points?.[id])) {
      throw badRequest('recovery_points', `A point_in_time run needs a recovery point for every protection group (missing: ${all.filter((id) => !body.recovery_points?.[id]).join(', ')}), or 'before'.`);
    }
    const found = await Promise.all(all.map((id) => pgs.get(id, project_id)));
    const missing = all.filter((_, i) => !found[i]);
    if (missing.length > 0) throw notFound(`Protection group${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of recovery plan ${plan.name}`);
    let groups = found as ProtectionGroup[];
    // A drill's cleanup removes what the plan's drill left: PGs it never reached have nothing to clean.
    if (body.mode === 'drill_cleanup') groups = groups.filter((pg) => ALLOWED_STATES.test_cleanup.includes(pg.status));
    if (groups.length === 0) throw conflict(`No protection group of recovery plan ${plan.name} has a drill to clean up.`);
    const kept = new Set(groups.map((g) => g.id));
    const tiers = runTiers(plan.tiers, body.mode)
      .map((t) => ({ ...t, protection_groups: t.protection_groups.filter((id) => kept.has(id)) }))
      .filter((t) => t.protection_groups.length > 0);
    const points = await recoveryPoints(deps, groups, body);

    if (body.commit_window && !act.commits) throw badRequest('commit_window', `A ${body.mode} run does not wait for a commit; planned and point_in_time runs do.`);
    const commit = runCommitWindow(body.mode, body.commit_window, plan.commit_window);
    const action = actionParams(body.mode, body, commit);
    const chosen: Chosen = { name: act.type, kind: act.kind, params: action, dryRun: body.dry_run === true };
    if (chosen.dryRun) return { precheck: await precheckEach(deps, groups, chosen, (pg) => points[pg.id]) };

    const local = (await sites.list()).find((s) => s.is_local);
    const refusals = (await Promise.all(groups.map((pg) => refusal(sites, pg, chosen, local)))).filter((r): r is string => r !== undefined);
    if (refusals.length > 0) throw conflict(refusals.join(' '));
    const params: PlanRunParams = { plan_id: plan.id, plan_name: plan.name, version: plan.version, mode: body.mode, tiers, action, recovery_points: points, hooks: plan.hooks.map(publicHook), ...(commit ? { commit } : {}) };
    const c = caller(request);
    let made: Awaited<ReturnType<typeof createPlanRun>>;
    try {
      made = await createPlanRun(new Operations(deps.db, deps.now), (deps.now ?? Date.now)(), { id: randomUUID(), project_id, params, request_id: request.id, user_id: c.userId }, () => randomUUID());
    } catch (err) {
      if (err instanceof PlanBusy) throw conflict(err.message);
      if (err instanceof ProtectionGroupsBusy) throw conflict(`${err.message[0]?.toUpperCase()}${err.message.slice(1)}.`);
      throw err;
    }
    wakeEngine(deps, request, made.parent.id);
    reply.code(202);
    return { operation: operationView(made.parent), children: made.children.map(operationView) };
  });
}

/**
 * The recovery point of each PG: the one named, or with `before` the newest created at or before
 * it (every PG that has none is named in one 409). Empty when the run takes the newest.
 */
async function recoveryPoints(deps: ApiDeps, groups: readonly ProtectionGroup[], body: PlanRunBody): Promise<Record<string, string>> {
  const chosen: Record<string, string> = {};
  for (const pg of groups) if (body.recovery_points?.[pg.id]) chosen[pg.id] = body.recovery_points[pg.id] as string;
  if (!body.before) return chosen;
  const before = Date.parse(body.before);
  const storage = await deps.storage?.();
  if (!storage) throw unavailable('The storage driver is not available: this site and its peer must both be registered (POST /v1/admin/sites).');
  const none: string[] = [];
  for (const pg of groups) {
    if (chosen[pg.id] || !pg.resources.array) {
      if (!chosen[pg.id]) none.push(`${pg.name} (${pg.id}) has no array construct`);
      continue;
    }
    const points = await storage.listRecoveryPoints(pg.resources.array).catch((err: unknown) => {
      throw unavailable(`The recovery points of protection group ${pg.id} could not be listed: ${err instanceof Error ? err.message : String(err)}`);
    });
    const best = points.filter((p) => p.createdAt <= before).sort((a, b) => b.createdAt - a.createdAt)[0];
    if (best) chosen[pg.id] = best.name;
    else none.push(`${pg.name} (${pg.id}) has no recovery point created at or before ${body.before}`);
  }
  if (none.length > 0) throw conflict(`No recovery point to run from: ${none.join('; ')}.`);
  return chosen;
}
