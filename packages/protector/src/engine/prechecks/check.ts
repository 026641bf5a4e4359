import type { Member, ProtectionGroup, ResourceMapping } from '../../db/protection-groups.js';
import type { WorkflowContext } from '../context.js';
import type { MappingOverride } from '../operation-types.js';

/** The DR actions that pre-check before changing anything (DESIGN §6). */
export type ActionKind = 'planned_failover' | 'unplanned_failover' | 'test_failover' | 'failback' | 'test_cleanup';
export const ACTION_KINDS: readonly ActionKind[] = ['planned_failover', 'unplanned_failover', 'test_failover', 'failback', 'test_cleanup'];

export type Severity = 'blocker' | 'warning';

/** One problem a check found. `message` is one line naming the object (server, volume, mapping, site). */
export interface Finding {
  check: string;
  severity: Severity;
  /** Stable snake_case code clients may act on; the message is for people. */
  code: string;
  message: string;
  detail: Record<string, unknown>;
}

/** What the workflow (or a dry run) asks to have checked. */
export interface PrecheckInput {
  action: ActionKind;
  pg: ProtectionGroup;
  /** The operation running these checks: it holds the PG itself, which is not a conflict. */
  operationId?: string;
  /** A chosen recovery point (point-in-time); otherwise the latest must exist. */
  recoveryPoint?: string;
  /** Mappings given with the action for this run; they win over the PG's own. */
  overrides?: readonly MappingOverride[];
  /** Failover `force`: a recovery point lacking a volume only warns (that volume is not brought up). */
  force?: boolean;
  /**
   * The operation of the same plan run this one moves back (the run's rollback): the PG's
   * document here is the newer one, made by that operation, and the client stores it on the
   * peer after the run, so being out of sync only warns.
   */
  revertOf?: string;
  /** Drill: the tenant's test network the ports go to (absent: an isolated copy of the mapped subnets). */
  testNetworkId?: string;
}

/**
 * What every check sees: the input plus facts loaded once per run (members, mappings, which
 * site is source and target) and a memo so that checks running concurrently share target
 * lookups instead of each listing flavors or volume types again.
 */
export interface CheckInput extends PrecheckInput {
  members: Member[];
  mappings: ResourceMapping[];
  /** Where the workload runs now (the PG's current primary). */
  sourceSiteId: string;
  /** Where the action brings it up (the other site of the pair). */
  targetSiteId: string;
  memo<T>(key: string, load: () => Promise<T>): Promise<T>;
}

export interface Check {
  name: string;
  appliesTo: readonly ActionKind[];
  run(ctx: WorkflowContext, input: CheckInput): Promise<Finding[]>;
}

/** A finding-maker bound to one check, so the check name is never mistyped. */
export const finder =
  (check: string) =>
  (severity: Severity, code: string, message: string, detail: Record<string, unknown> = {}): Finding => ({ check, severity, code, message, detail });
