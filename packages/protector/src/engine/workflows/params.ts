import { MAPPING_KINDS } from '../../db/protection-groups.js';
import type { CommitWindow } from '@protector/contract';
import type { MappingOverride, OperationParams, OperationType } from '../operation-types.js';
import { StepError } from '../workflow.js';

/**
 * Operation params, parsed once per workflow run (the builder calls `parseParams` before it lays
 * out the steps): steps get `s.params` typed as OperationParams[type] and never read the
 * recorded JSON. The API validated them against the action schemas when it recorded the
 * operation; these checks only refuse what could not be run at all.
 */

type Raw = Record<string, unknown>;
type Parser<T extends OperationType> = (raw: Raw) => OperationParams[T];

function optional<V>(type: OperationType, raw: Raw, key: string, is: (v: unknown) => v is V, what: string): V | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (!is(v)) throw new StepError(`${type} ${key} must be ${what}`, { [key]: v });
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isKind = (v: unknown): boolean => (MAPPING_KINDS as readonly unknown[]).includes(v);
const isMapping = (v: unknown): v is MappingOverride =>
  typeof v === 'object' && v !== null && 'kind' in v && isKind(v.kind) && 'source_id' in v && isString(v.source_id) && 'target_id' in v && isString(v.target_id);
const isMappings = (v: unknown): v is MappingOverride[] => Array.isArray(v) && v.every(isMapping);

const isCommitWindow = (v: unknown): v is CommitWindow =>
  typeof v === 'object' && v !== null && 'seconds' in v && isNumber(v.seconds) && (!('on_deadline' in v) || v.on_deadline === undefined || v.on_deadline === 'commit' || v.on_deadline === 'rollback');

/** What every DR action may carry (mapping overrides, a boot timeout). */
const common = (type: OperationType, raw: Raw) => ({
  mappings: optional(type, raw, 'mappings', isMappings, 'a list of mappings (kind, source_id, target_id)'),
  boot_timeout_seconds: optional(type, raw, 'boot_timeout_seconds', isNumber, 'a number of seconds'),
});

const none = (): Record<string, never> => ({});

const PARSERS: { [T in OperationType]: Parser<T> } = {
  pg_create: none,
  pg_delete: none,
  replicate: none,
  member_add: (raw) => {
    const { server_id, boot_order } = raw;
    if (typeof server_id !== 'string' || typeof boot_order !== 'number') throw new StepError('member_add needs server_id and boot_order');
    return { server_id, boot_order };
  },
  member_remove: (raw) => {
    if (typeof raw.server_id !== 'string') throw new StepError('member_remove needs server_id');
    return { server_id: raw.server_id };
  },
  failover: (raw) => {
    const type = raw.type;
    if (type !== 'planned' && type !== 'unplanned') throw new StepError(`failover type must be planned or unplanned, got ${String(type)}`);
    return {
      type,
      recovery_point_id: optional('failover', raw, 'recovery_point_id', isString, 'a string'),
      force: optional('failover', raw, 'force', isBoolean, 'true or false'),
      revert_of: optional('failover', raw, 'revert_of', isString, 'an operation id'),
      commit_window: optional('failover', raw, 'commit_window', isCommitWindow, 'an object with seconds (and on_deadline commit or rollback)'),
      commit_with_run: optional('failover', raw, 'commit_with_run', isBoolean, 'a boolean'),
      ...common('failover', raw),
    };
  },
  failback: (raw) => ({ force: optional('failback', raw, 'force', isBoolean, 'true or false'), revert_of: optional('failback', raw, 'revert_of', isString, 'an operation id'), ...common('failback', raw) }),
  test_failover: (raw) => ({
    recovery_point_id: optional('test_failover', raw, 'recovery_point_id', isString, 'a string'),
    network_id: optional('test_failover', raw, 'network_id', isString, 'a string'),
    ...common('test_failover', raw),
  }),
  test_cleanup: (raw) => ({ force: optional('test_cleanup', raw, 'force', isBoolean, 'true or false') }),
  cleanup: (raw) => {
    if (typeof raw.operation_id !== 'string') throw new StepError('cleanup needs operation_id');
    return { operation_id: raw.operation_id };
  },
  // The API records a run's params whole (engine/plan-runs.ts); its workflow reads them typed.
  plan_run: (raw) => raw,
};

/** The operation's params as its type declares them; a StepError naming what is wrong otherwise. */
export function parseParams<T extends OperationType>(type: T, raw: Raw): OperationParams[T] {
  const parse: Parser<T> = PARSERS[type];
  return parse(raw);
}
