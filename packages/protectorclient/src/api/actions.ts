import { compact } from './common.js';
import type { Operation } from './operations.js';
import type { MappingKind } from './resource-mappings.js';
import type { ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

/** A mapping for one run only, from the current primary's resources; it wins over the PG's. */
export interface MappingOverride {
  kind: MappingKind;
  source_id: string;
  target_id: string;
}

interface Common {
  mappings?: MappingOverride[];
  /** Per server, default 600. */
  boot_timeout_seconds?: number;
}

export interface FailoverParams extends Common {
  type: 'planned' | 'unplanned';
  /** Point-in-time failover; default the newest recovery point. */
  recovery_point_id?: string;
  force?: boolean;
}

export interface FailbackParams extends Common {
  force?: boolean;
}

export interface TestFailoverParams extends Common {
  recovery_point_id?: string;
  /** An existing network for the drill; default an isolated one. */
  network_id?: string;
}

export interface TestCleanupParams {
  /** Forget what could not be removed (listed in the result). */
  force?: boolean;
}

export type PrecheckAction = 'planned_failover' | 'unplanned_failover' | 'test_failover' | 'failback' | 'test_cleanup';

/** One problem a pre-check found; `message` is one line naming the object. */
export interface PrecheckFinding {
  check: string;
  severity: 'blocker' | 'warning';
  /** Stable snake_case code to act on. */
  code: string;
  message: string;
  detail: Record<string, unknown>;
}

/** A dry run's answer: every blocker and warning, nothing recorded or changed. */
export interface PrecheckReport {
  action: PrecheckAction;
  ok: boolean;
  /** The checks that ran. */
  checks: string[];
  blockers: PrecheckFinding[];
  warnings: PrecheckFinding[];
  /** The findings as numbered lines, for people. */
  report: string;
}

/** The body of `POST …/action`: exactly one action. */
export type ActionBody =
  | { failover: FailoverParams & { dry_run?: boolean } }
  | { failback: FailbackParams & { dry_run?: boolean } }
  | { test_failover: TestFailoverParams & { dry_run?: boolean } }
  | { test_cleanup: TestCleanupParams & { dry_run?: boolean } }
  | { sync: Record<string, never> };

export type ActionResult = { operation: Operation } | { precheck: PrecheckReport };

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

  /** On-demand replication: a snapshot now, waited for until it is a recovery point. */
  async sync(pgId: string): Promise<Operation> {
    return (await this.one(pgId, { sync: {} })) as Operation;
  }
}
