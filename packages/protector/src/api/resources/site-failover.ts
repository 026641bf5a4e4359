import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { SiteFailoverRoutes } from '@protector/contract';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { ProtectionGroup } from '../../db/protection-groups.js';
import { ProtectionGroups } from '../../db/protection-groups.js';
import { RecoveryPlans } from '../../db/recovery-plans.js';
import { Sites } from '../../db/sites.js';
import { ProtectionGroupsBusy } from '../../engine/bulk-operations.js';
import { Operations } from '../../engine/operations.js';
import { actionParams, createPlanRun, MODE_ACTIONS, type PlanRunParams, type RunTier } from '../../engine/plan-runs.js';
import { ALLOWED_STATES } from '../../engine/prechecks/index.js';
import { caller } from '../auth.js';
import { authorize } from '../authorize.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, conflict } from '../errors.js';
import { precheckEach, refusal, type Chosen } from './actions.js';
import { operationView, wakeEngine } from './tenant.js';

/** The tier every PG named in no recovery plan goes to, last. */
export const DEFAULT_TIER = 'others';

/**
 * The generated plan's tiers: a PG named in a recovery plan of its project goes to that plan's
 * tier position (its earliest across the project's plans), so the databases come up before the
 * web servers as the tenants planned; every other PG in a last tier.
 */
export function siteTiers(groups: readonly ProtectionGroup[], plans: readonly { project_id: string; tiers: readonly { protection_groups: readonly string[] }[] }[]): RunTier[] {
  const position = new Map<string, number>();
  for (const p of plans) {
    p.tiers.forEach((t, i) => {
      for (const id of t.protection_groups) position.set(`${p.project_id}/${id}`, Math.min(i, position.get(`${p.project_id}/${id}`) ?? i));
    });
  }
  const byTier = new Map<number, string[]>();
  const rest: string[] = [];
  for (const pg of [...groups].sort((a, b) => a.project_id.localeCompare(b.project_id) || a.name.localeCompare(b.name))) {
    const i = position.get(`${pg.project_id}/${pg.id}`);
    if (i === undefined) rest.push(pg.id);
    else byTier.set(i, [...(byTier.get(i) ?? []), pg.id]);
  }
  const tiers: RunTier[] = [...byTier.entries()].sort(([a], [b]) => a - b).map(([i, ids]) => ({ name: `tier-${i + 1}`, protection_groups: ids }));
  if (rest.length > 0) tiers.push({ name: DEFAULT_TIER, protection_groups: rest });
  return tiers;
}

/**
 * `POST /v1/admin/site-failover` (DESIGN §6, site failover), on the surviving site: every PG
 * whose workload runs on the lost site, across projects, failed over unplanned as one generated
 * plan run. PGs that cannot be failed over now (busy, in another state) are named in the run's
 * params and left alone rather than refusing the others: a datacenter is gone.
 */
export function registerSiteFailover(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const pgs = new ProtectionGroups(deps.db, deps.now);
  const sites = new Sites(deps.db, deps.box, deps.now);

  app.post('/v1/admin/site-failover', { schema: SiteFailoverRoutes.run }, async (request, reply) => {
    authorize(deps.enforcer, request, 'protector:site:failover');
    const body = request.body;
    const all = await sites.list();
    const lost = all.find((s) => s.id === body.lost_site || s.name === body.lost_site);
    if (!lost) throw badRequest('lost_site', `No site ${body.lost_site} is registered here.`);
    const local = all.find((s) => s.is_local);
    if (lost.is_local) throw badRequest('lost_site', `Site ${lost.name} is this site; post the site failover to the surviving site.`);

    const onLost = (await deps.db.selectFrom('protection_groups').select('id').where('current_primary_site_id', '=', lost.id).execute()).map((r) => r.id);
    const found = (await Promise.all(onLost.map((id) => pgs.get(id)))).filter((pg): pg is ProtectionGroup => pg !== undefined);
    const act = MODE_ACTIONS.unplanned;
    const chosen: Chosen = { name: act.type, kind: act.kind, params: actionParams('unplanned', body), dryRun: body.dry_run === true };
    const skipped: { protection_group_id: string; project_id: string; reason: string }[] = [];
    const groups: ProtectionGroup[] = [];
    for (const pg of found) {
      const why = pg.active_operation_id
        ? `busy with operation ${pg.active_operation_id}`
        : !ALLOWED_STATES.unplanned_failover.includes(pg.status)
          ? `${pg.status}`
          : await refusal(sites, pg, chosen, local);
      if (why) skipped.push({ protection_group_id: pg.id, project_id: pg.project_id, reason: why });
      else groups.push(pg);
    }
    if (chosen.dryRun) return { precheck: await precheckEach(deps, groups, chosen) };
    if (groups.length === 0) {
      throw conflict(`No protection group runs on site ${lost.name} that can be failed over now${skipped.length ? ` (${skipped.map((s) => `${s.protection_group_id}: ${s.reason}`).join('; ')})` : ''}.`);
    }
    const plans = new RecoveryPlans(deps.db, deps.box, deps.now);
    const projects = [...new Set(groups.map((g) => g.project_id))];
    const projectPlans = (await Promise.all(projects.map((p) => plans.page(p, {}, { key: 'name', desc: false, limit: 1000 })))).flatMap((page) => page?.rows ?? []);
    const params: PlanRunParams & { lost_site_id: string; skipped: typeof skipped } = {
      plan_name: `site failover of ${lost.name}`,
      version: 1,
      mode: 'unplanned',
      tiers: siteTiers(groups, projectPlans),
      action: chosen.params,
      recovery_points: {},
      lost_site_id: lost.id,
      skipped,
    };
    const c = caller(request);
    const projectOf = new Map(groups.map((g) => [g.id, g.project_id]));
    let made: Awaited<ReturnType<typeof createPlanRun>>;
    try {
      made = await createPlanRun(new Operations(deps.db, deps.now), (deps.now ?? Date.now)(), { id: randomUUID(), project_id: c.projectId ?? '', params, request_id: request.id, user_id: c.userId }, () => randomUUID(), (id) => projectOf.get(id) as string);
    } catch (err) {
      if (err instanceof ProtectionGroupsBusy) throw conflict(`${err.message[0]?.toUpperCase()}${err.message.slice(1)}.`);
      throw err;
    }
    wakeEngine(deps, request, made.parent.id);
    reply.code(202);
    return { operation: operationView(made.parent), children: made.children.map(operationView) };
  });
}
