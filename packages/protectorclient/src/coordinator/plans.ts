import { isSiteDown, planCopy, type BulkOperationAnswer, type BulkPrecheckReport, type Operation, type OperationDetail, type PlanHookInput, type PlanRunBody, type PlanRunMode, type RecoveryPlan, type RecoveryPlanCreate, type RecoveryPlanUpdate } from '../api/index.js';
import type { Coordinator } from './coordinator.js';
import { NoRunningSiteError } from './coordinator.js';
import { apiNotFound, findPlan, LookupError } from './find.js';
import { requireReachable, type SiteHandle } from './sites.js';

/** A plan change made on `from` that could not be stored on `to` (the other site keeps its older copy). */
export class PlanNotStoredError extends Error {
  constructor(
    message: string,
    readonly planId: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(message);
    this.name = 'PlanNotStoredError';
  }
}

/** Both sites hold the plan at one version with different content: only a new version (an update) settles it. */
export class PlanDivergedError extends Error {
  constructor(
    readonly planRef: string,
    readonly version: number,
    sites: readonly string[],
    hint: string,
  ) {
    super(`recovery plan ${planRef} differs between ${sites.join(' and ')} at version ${version}; ${hint}`);
    this.name = 'PlanDivergedError';
  }
}

/** The id of the plan's PG named `ref` (its id, or its name as `names` has it). */
export function planPg(plan: RecoveryPlan, names: ReadonlyMap<string, string>, ref: string): string {
  const ids = plan.tiers.flatMap((t) => t.protection_groups);
  if (ids.includes(ref)) return ref;
  const named = ids.filter((id) => names.get(id) === ref);
  if (named.length === 1) return named[0] as string;
  if (named.length > 1) throw new LookupError(`more than one protection group of recovery plan ${plan.name} is named '${ref}' (${named.join(', ')}); use its id`);
  throw new LookupError(`no protection group '${ref}' in recovery plan ${plan.name}`);
}

/** A plan found on one site. */
export interface FoundPlan {
  plan: RecoveryPlan;
  site: SiteHandle;
}

/** What one site holds of a plan: its version (null: none, or the site did not answer) and the run holding it there. */
export interface PlanCopyState {
  site: string;
  version: number | null;
  /** A run holds the plan only on the site it runs on. */
  active_run_id: string | null;
  error?: string;
}

/** A run posted: where it runs, the other site (null when it does not answer) and the PGs' names for messages. */
export interface PlanRunStarted {
  plan: RecoveryPlan;
  target: SiteHandle;
  other: SiteHandle | null;
  names: Map<string, string>;
  answer: BulkOperationAnswer | { precheck: BulkPrecheckReport };
}

/** A run found by its operation id, on the site that runs it. */
export interface FoundRun {
  run: OperationDetail;
  site: SiteHandle;
  /** The other site, when named (whether it answers is not asked). */
  other: SiteHandle | null;
}

/** How the face says to store a plan on both sites again (the CLI: "run 'protector plan show X'"). */
export type PlanHint = (planRef: string) => string;

/** The modes that go ahead with only the running site answering, as the unplanned failover (point_in_time is planned: both sites answer, so it can be rolled back). */
export const SURVIVING_SITE_MODES: readonly PlanRunMode[] = ['unplanned'];

const why = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const same = (a: RecoveryPlan, b: RecoveryPlan): boolean => a.name === b.name && a.description === b.description && JSON.stringify([a.tiers, a.hooks, a.commit_window ?? null]) === JSON.stringify([b.tiers, b.hooks, b.commit_window ?? null]);

/**
 * Recovery plans across the pair (DESIGN §5): a plan is user intent both sites hold under one
 * id, so every change needs the peer to answer, is made on the site the user talks to and then
 * stored on the peer with the new version; copies left apart are brought together (the newer
 * wins) before use. A run goes to the one site every PG's action runs on, by the single action's
 * rules, and each PG's document is stored on the peer after it, as after a bulk action.
 */
export class PlanCoordinator {
  constructor(
    private readonly c: Coordinator,
    private readonly note: (level: 'info' | 'warning', message: string) => void,
    private readonly hint: PlanHint,
  ) {}

  /** The plan on the primary, else (not there, or with `anySite` the primary down) on the peer. */
  async locate(ref: string, opts: { anySite?: boolean } = {}): Promise<FoundPlan> {
    const { primary, secondary } = this.c;
    try {
      return { plan: await findPlan(primary, ref), site: primary };
    } catch (err) {
      const elsewhere = err instanceof LookupError || (opts.anySite === true && isSiteDown(err));
      if (!secondary || !elsewhere) throw err;
      try {
        return { plan: await findPlan(secondary, ref), site: secondary };
      } catch (e2) {
        throw e2 instanceof LookupError && err instanceof LookupError ? new LookupError(`no recovery plan '${ref}' on ${primary.name} or ${secondary.name}`) : e2;
      }
    }
  }

  /** The other site's copy of the plan, or null when it has none. */
  private async copyOn(site: SiteHandle, planId: string): Promise<RecoveryPlan | null> {
    return site.client.recoveryPlans.get(planId).catch((err: unknown) => {
      if (apiNotFound(err)) return null;
      throw err;
    });
  }

  /**
   * The plan's two copies brought together: the newer (or the only one) stored on the other
   * site. Answers this site's copy as it is now and whether the copies differ at one version
   * (left as they are: the caller decides).
   */
  async settle(plan: RecoveryPlan, here: SiteHandle, there: SiteHandle): Promise<{ plan: RecoveryPlan; diverged: boolean }> {
    const peer = await this.copyOn(there, plan.id);
    if (!peer || peer.version < plan.version) {
      await there.client.recoveryPlans.copy(plan.id, planCopy(plan));
      this.note('info', `stored version ${plan.version} of recovery plan ${plan.name} from ${here.name} on ${there.name}`);
      return { plan, diverged: false };
    }
    if (peer.version > plan.version) {
      const stored = await here.client.recoveryPlans.copy(plan.id, planCopy(peer));
      this.note('info', `stored version ${peer.version} of recovery plan ${peer.name} from ${there.name} on ${here.name}`);
      return { plan: stored, diverged: false };
    }
    return { plan, diverged: !same(plan, peer) };
  }

  /** The plan as `from` holds it, stored on `to` (with the hook secrets the user gave), or an error saying what was done and what to do. */
  private async store(plan: RecoveryPlan, from: SiteHandle, to: SiteHandle, done: string, hooks?: readonly PlanHookInput[]): Promise<RecoveryPlan> {
    try {
      return await to.client.recoveryPlans.copy(plan.id, planCopy(plan, hooks));
    } catch (err) {
      throw new PlanNotStoredError(`recovery plan ${plan.name} was ${done} on ${from.name} (version ${plan.version}), but could not be stored on ${to.name}: ${why(err)}; ${this.hint(plan.name)} once both sites answer`, plan.id, from.name, to.name);
    }
  }

  /** A new plan on the primary, stored on the peer (its hooks with their secrets: each site signs its own runs' callouts); refused before anything when the peer does not answer. */
  async create(input: RecoveryPlanCreate): Promise<RecoveryPlan> {
    const peer = await this.c.reachablePeer();
    const made = await this.c.primary.client.recoveryPlans.create(input);
    await this.store(made, this.c.primary, peer, 'created', input.hooks);
    return made;
  }

  /**
   * A new version of the plan: the peer must answer, the copies are brought together, the
   * change (worked out from the current copy) is made on the primary with its expected version,
   * and the new version is stored on the peer.
   */
  async update(ref: string, change: (current: RecoveryPlan) => RecoveryPlanUpdate): Promise<RecoveryPlan> {
    const peer = await this.c.reachablePeer();
    const here = this.c.primary;
    const found = await this.locate(ref);
    // Found only on the peer: stored here first, so the change is made where the user talks.
    const cur = found.site === here ? await this.settle(found.plan, here, peer) : { plan: await here.client.recoveryPlans.copy(found.plan.id, planCopy(found.plan)), diverged: false };
    if (cur.diverged) this.note('info', `recovery plan ${ref} differed between ${here.name} and ${peer.name} at version ${cur.plan.version}; ${here.name}'s copy, changed, is stored on both`);
    const asked = change(cur.plan);
    const updated = await here.client.recoveryPlans.update(cur.plan.id, { ...asked, expected_version: cur.plan.version });
    return this.store(updated, here, peer, 'changed', asked.hooks);
  }

  /** The plan deleted from both sites; refused while a run holds either copy. */
  async delete(ref: string): Promise<RecoveryPlan> {
    const peer = await this.c.reachablePeer();
    const here = this.c.primary;
    const { plan } = await this.locate(ref);
    const copies = await Promise.all([here, peer].map(async (site) => ({ site, copy: await this.copyOn(site, plan.id) })));
    const busy = copies.find((x) => x.copy?.active_run_id);
    if (busy) throw new Error(`recovery plan ${plan.name} is being run by operation ${busy.copy?.active_run_id} on ${busy.site.name}; delete it once the run has ended`);
    const [first, second] = copies.filter((x) => x.copy);
    if (first) await first.site.client.recoveryPlans.delete(plan.id);
    if (second) {
      await second.site.client.recoveryPlans.delete(plan.id).catch((err: unknown) => {
        if (apiNotFound(err)) return;
        throw new PlanNotStoredError(`recovery plan ${plan.name} was deleted on ${first?.site.name}, but not on ${second.site.name}: ${why(err)}; delete it again once both sites answer`, plan.id, first?.site.name ?? '', second.site.name);
      });
    }
    return plan;
  }

  /** The plan with its copies brought together for a read (a failure is noted, not thrown). */
  async show(ref: string): Promise<FoundPlan & { copies: PlanCopyState[] }> {
    const found = await this.locate(ref);
    const there = this.c.both().find((s) => s !== found.site) ?? null;
    let plan = found.plan;
    if (there) {
      try {
        const r = await this.settle(plan, found.site, there);
        plan = r.plan;
        if (r.diverged) this.note('warning', new PlanDivergedError(plan.name, plan.version, [found.site.name, there.name], this.changeHint()).message);
      } catch (err) {
        this.note('warning', `recovery plan ${plan.name} could not be brought together on both sites: ${why(err)}; ${this.hint(plan.name)} once both sites answer`);
      }
    }
    const copies = await Promise.all(
      this.c.both().map(async (site) => {
        try {
          const copy = await this.copyOn(site, plan.id);
          return { site: site.name, version: copy?.version ?? null, active_run_id: copy?.active_run_id ?? null };
        } catch (err) {
          return { site: site.name, version: null, active_run_id: null, error: why(err) };
        }
      }),
    );
    return { plan, site: found.site, copies };
  }

  private changeHint(): string {
    return 'change it from the site whose copy is right: the new version is stored on both';
  }

  /** PG names by id as `site` knows them (for messages); ids where it does not answer. */
  async pgNames(site: SiteHandle): Promise<Map<string, string>> {
    return new Map((await site.client.protectionGroups.list().catch(() => [])).map((p) => [p.id, p.name]));
  }

  /**
   * The one site the run goes to: each PG's by the single action's rules (Coordinator.runningSite;
   * an unplanned or point-in-time run goes ahead with only that site answering). PGs whose
   * actions run on different sites refuse the run, naming them and the sites.
   */
  async runningSite(plan: RecoveryPlan, mode: PlanRunMode, names: ReadonlyMap<string, string>): Promise<{ target: SiteHandle; other: SiteHandle | null }> {
    const ids = plan.tiers.flatMap((t) => t.protection_groups);
    const batches = await this.c.runningSites(ids, SURVIVING_SITE_MODES.includes(mode));
    if (batches.length !== 1) {
      const where = batches.map((b) => `${b.pgs.map((p) => names.get(p.id) ?? p.id).join(', ')} on ${b.target.name}`).join('; ');
      throw new NoRunningSiteError(`recovery plan ${plan.name} cannot run from one site: its protection groups' ${mode} runs on different sites (${where}); bring them to one state first, or run them apart`);
    }
    const [b] = batches as [(typeof batches)[number]];
    return { target: b.target, other: b.other };
  }

  /**
   * Runs the plan: found (on the surviving site alone for an unplanned or point-in-time run),
   * its copies brought together when both sites answer, posted to the site every PG's action
   * runs on. With `dry_run` the answer is every PG's pre-check report. `recoveryPoints` names
   * each PG's recovery point by the PG's name or id (one of the plan's).
   */
  async run(ref: string, body: PlanRunBody, opts: { recoveryPoints?: Readonly<Record<string, string>> } = {}): Promise<PlanRunStarted> {
    const surviving = SURVIVING_SITE_MODES.includes(body.mode);
    // Both sites must answer, as for the single action (refused with exit 5 naming the one that does not).
    if (!surviving) for (const site of [await this.c.reachablePeer(), this.c.primary]) await requireReachable(site);
    const found = await this.locate(ref, { anySite: surviving });
    const there = this.c.both().find((s) => s !== found.site) ?? null;
    let plan = found.plan;
    if (there) {
      try {
        const r = await this.settle(plan, found.site, there);
        if (r.diverged && !surviving) throw new PlanDivergedError(plan.name, plan.version, [found.site.name, there.name], this.changeHint());
        plan = r.plan;
      } catch (err) {
        // The surviving site runs its own copy; anything else needs both copies alike.
        if (!surviving || !isSiteDown(err)) throw err;
      }
    }
    const names = await this.pgNames(found.site);
    const points = opts.recoveryPoints ? Object.fromEntries(Object.entries(opts.recoveryPoints).map(([pg, rp]) => [planPg(plan, names, pg), rp])) : undefined;
    const { target, other } = await this.runningSite(plan, body.mode, names);
    const answer = await target.client.recoveryPlans.run(plan.id, points ? { ...body, recovery_points: { ...body.recovery_points, ...points } } : body);
    return { plan, target, other, names, answer };
  }

  /**
   * After a followed run, whatever it ended as: each PG's document (as its last child left it)
   * stored on the peer, or the user told what to run once the peer answers. Every PG is tried;
   * the first that could not be stored after a completed child is thrown at the end.
   */
  async storeAfterRun(done: Pick<OperationDetail, 'children'>, target: SiteHandle, other: SiteHandle | null, names: ReadonlyMap<string, string>): Promise<void> {
    const last = new Map<string, Operation>();
    // A child cancelled before it started changed nothing.
    for (const child of done.children) if (child.protection_group_id && !(child.status === 'cancelled' && child.started_at === null)) last.set(child.protection_group_id, child);
    const failed: unknown[] = [];
    for (const [pgId, child] of last) await this.c.storeAfterOperation(child, pgId, names.get(pgId) ?? pgId, target, other).catch((err: unknown) => failed.push(err));
    for (const err of failed.slice(1)) this.note('warning', why(err));
    if (failed.length > 0) throw failed[0];
  }

  /** A plan run by its operation id, on whichever site runs it (the primary asked first). */
  async findRun(id: string): Promise<FoundRun> {
    const sites = this.c.both();
    const misses: string[] = [];
    for (const site of sites) {
      try {
        const run = await site.client.operations.get(id);
        if (run.type !== 'plan_run') throw new LookupError(`operation ${id} is a ${run.type} operation, not a recovery plan run`);
        return { run, site, other: sites.find((s) => s !== site) ?? null };
      } catch (err) {
        if (!apiNotFound(err) && !isSiteDown(err)) throw err;
        misses.push(apiNotFound(err) ? `not on ${site.name}` : `${site.name} does not answer (${why(err)})`);
      }
    }
    throw new LookupError(`no recovery plan run ${id}: ${misses.join('; ')}`);
  }
}
