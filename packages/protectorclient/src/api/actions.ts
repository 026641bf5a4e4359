import type { BulkOperationAnswer, BulkPrecheckReport, FailbackAction, FailoverAction, Operation, PrecheckReport, TestCleanupAction, TestFailoverAction } from '@protector/contract';
import { compact } from './common.js';
import type { ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export type { BulkOperationAnswer, BulkPrecheckReport, MappingOverride, PrecheckAction, PrecheckFinding, PrecheckReport } from '@protector/contract';

/** Each action's parameters; `dry_run` is chosen by the method's overload. */
export type FailoverParams = Omit<FailoverAction, 'dry_run'>;
export type FailbackParams = Omit<FailbackAction, 'dry_run'>;
export type TestFailoverParams = Omit<TestFailoverAction, 'dry_run'>;
export type TestCleanupParams = Omit<TestCleanupAction, 'dry_run'>;

/** The body of `POST …/action`: exactly one action (the contract's schema, as a union). */
export type ActionBody =
  | { failover: FailoverAction }
  | { failback: FailbackAction }
  | { test_failover: TestFailoverAction }
  | { test_cleanup: TestCleanupAction }
  | { sync: Record<string, never> };

export type ActionResult = { operation: Operation } | { precheck: PrecheckReport };

/** One DR action for `POST /v1/{project}/actions` (the bulk action), as `ActionBody` without sync. */
export type BulkAction = Exclude<ActionBody, { sync: Record<string, never> }>;

type DryRun = { dry_run: true };
type Run = { dry_run?: false };

/**
 * `POST …/protection-groups/{pg}/action`. Each action is posted to the site that ends up
 * running the workload (failover and drills to the current secondary, failback to the original
 * primary); elsewhere the API answers 409 naming the right site. With `dry_run: true` the answer
 * is the pre-check report instead of an operation.
 */
export class ActionsApi {
  constructor(private readonly t: ProtectorTransport) {}

  /** Posts any action body as is. */
  async run(pgId: string, body: ActionBody): Promise<ActionResult> {
    return this.t.post<ActionResult>(await this.t.projectPath(`/protection-groups/${seg(pgId)}/action`), body);
  }

  private async one(pgId: string, body: ActionBody): Promise<Operation | PrecheckReport> {
    const r = await this.run(pgId, body);
    return 'precheck' in r ? r.precheck : r.operation;
  }

  failover(pgId: string, params: FailoverParams & DryRun): Promise<PrecheckReport>;
  failover(pgId: string, params: FailoverParams & Run): Promise<Operation>;
  failover(pgId: string, params: FailoverParams & { dry_run?: boolean }): Promise<Operation | PrecheckReport> {
    return this.one(pgId, { failover: compact(params) as FailoverParams });
  }

  failback(pgId: string, params: FailbackParams & DryRun): Promise<PrecheckReport>;
  failback(pgId: string, params?: FailbackParams & Run): Promise<Operation>;
  failback(pgId: string, params: FailbackParams & { dry_run?: boolean } = {}): Promise<Operation | PrecheckReport> {
    return this.one(pgId, { failback: compact(params) });
  }

  testFailover(pgId: string, params: TestFailoverParams & DryRun): Promise<PrecheckReport>;
  testFailover(pgId: string, params?: TestFailoverParams & Run): Promise<Operation>;
  testFailover(pgId: string, params: TestFailoverParams & { dry_run?: boolean } = {}): Promise<Operation | PrecheckReport> {
    return this.one(pgId, { test_failover: compact(params) });
  }

  testCleanup(pgId: string, params: TestCleanupParams & DryRun): Promise<PrecheckReport>;
  testCleanup(pgId: string, params?: TestCleanupParams & Run): Promise<Operation>;
  testCleanup(pgId: string, params: TestCleanupParams & { dry_run?: boolean } = {}): Promise<Operation | PrecheckReport> {
    return this.one(pgId, { test_cleanup: compact(params) });
  }

  /**
   * `POST /v1/{project}/actions`: one action on several PGs (ids), all run from this site. The
   * answer is the parent operation with a child per PG, or with `dry_run` every PG's pre-check
   * report. All or nothing: any PG that cannot be run refuses the whole request (409 naming each).
   */
  async bulk(pgIds: readonly string[], action: BulkAction): Promise<BulkOperationAnswer | { precheck: BulkPrecheckReport }> {
    const [name, params] = Object.entries(action)[0] as [string, Record<string, unknown>];
    return this.t.post(await this.t.projectPath('/actions'), { protection_groups: pgIds, [name]: compact(params) });
  }

  /** On-demand replication: a snapshot now, waited for until it is a recovery point. */
  async sync(pgId: string): Promise<Operation> {
    return (await this.one(pgId, { sync: {} })) as Operation;
  }
}
