import type { BulkOperationAnswer, BulkPrecheckReport, PlanHookInput, PlanRunBody, RecoveryPlan, RecoveryPlanCopy, RecoveryPlanCreate, RecoveryPlanUpdate } from '@protector/contract';
import type { ListOptions } from './common.js';
import { compact } from './common.js';
import type { ListPage, ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export { HOOK_EVENTS, PLAN_RUN_MODES } from '@protector/contract';
export type { HookEvent, PlanHook, PlanHookInput, PlanRunBody, PlanRunMode, PlanTier, PlanWait, RecoveryPlan, RecoveryPlanCopy, RecoveryPlanCreate, RecoveryPlanUpdate } from '@protector/contract';

export type RecoveryPlanListOptions = ListOptions & { name?: string };

/** A run's parameters; `dry_run` is chosen by the overload. */
export type PlanRunOptions = Omit<PlanRunBody, 'dry_run'>;

/**
 * `/v1/{project_id}/recovery-plans`: ordered tiers of protection groups run as one parent
 * operation (type `plan_run`) with a child per PG. A plan is user intent both sites hold under
 * the same id (DESIGN §5): `copy` stores the other site's version (the Coordinator keeps them alike).
 */
export class RecoveryPlansApi {
  constructor(private readonly t: ProtectorTransport) {}

  private path(suffix = ''): Promise<string> {
    return this.t.projectPath(`/recovery-plans${suffix}`);
  }

  async list(opts: RecoveryPlanListOptions = {}): Promise<RecoveryPlan[]> {
    return this.t.listAll<RecoveryPlan>(await this.path(), 'recovery_plans', { ...opts });
  }

  async listPage(opts: RecoveryPlanListOptions = {}): Promise<ListPage<RecoveryPlan>> {
    return this.t.listPage<RecoveryPlan>(await this.path(), 'recovery_plans', { ...opts });
  }

  async get(id: string): Promise<RecoveryPlan> {
    return (await this.t.get<{ recovery_plan: RecoveryPlan }>(await this.path(`/${seg(id)}`))).recovery_plan;
  }

  /** A new plan at version 1 (201); its PGs must be the caller's on this site. */
  async create(plan: RecoveryPlanCreate): Promise<RecoveryPlan> {
    return (await this.t.post<{ recovery_plan: RecoveryPlan }>(await this.path(), { recovery_plan: compact(plan) })).recovery_plan;
  }

  /** A new version; with `expected_version`, refused (409) when the plan changed meanwhile. */
  async update(id: string, change: RecoveryPlanUpdate): Promise<RecoveryPlan> {
    return (await this.t.put<{ recovery_plan: RecoveryPlan }>(await this.path(`/${seg(id)}`), { recovery_plan: compact(change) })).recovery_plan;
  }

  /** Refused (409) while a run holds the plan. */
  async delete(id: string): Promise<void> {
    await this.t.delete(await this.path(`/${seg(id)}`));
  }

  /** Stores the other site's version under the same id (made when absent); 409 when this site's is newer or differs at that version. */
  async copy(id: string, copy: RecoveryPlanCopy): Promise<RecoveryPlan> {
    return (await this.t.put<{ recovery_plan: RecoveryPlan }>(await this.path(`/${seg(id)}/metadata`), { recovery_plan: copy })).recovery_plan;
  }

  /**
   * Runs the plan from this site, which must be the one each PG's action runs on (else 409
   * naming it): the parent with its children (202), all recorded or none. With `dry_run: true`
   * every PG's pre-check report instead; nothing is recorded.
   */
  run(id: string, params: PlanRunOptions & { dry_run: true }): Promise<{ precheck: BulkPrecheckReport }>;
  run(id: string, params: PlanRunOptions & { dry_run?: false }): Promise<BulkOperationAnswer>;
  run(id: string, params: PlanRunBody): Promise<BulkOperationAnswer | { precheck: BulkPrecheckReport }>;
  async run(id: string, params: PlanRunBody): Promise<BulkOperationAnswer | { precheck: BulkPrecheckReport }> {
    return this.t.post(await this.path(`/${seg(id)}/run`), compact(params));
  }
}

/**
 * A plan as its peer copy carries it. A site never shows a hook's secret: a hook the other site
 * does not hold yet needs the secret the user gave (`given`, by hook name), else it keeps its own.
 */
export function planCopy(p: Pick<RecoveryPlan, 'name' | 'description' | 'tiers' | 'hooks' | 'version' | 'commit_window'>, given: readonly PlanHookInput[] = []): RecoveryPlanCopy {
  const secret = (name: string) => given.find((h) => h.name === name)?.secret;
  return { name: p.name, description: p.description, tiers: p.tiers, hooks: (p.hooks ?? []).map((h) => (secret(h.name) === undefined ? h : { ...h, secret: secret(h.name) })), commit_window: p.commit_window, version: p.version };
}
