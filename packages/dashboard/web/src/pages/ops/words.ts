import type { OperationStatus, OperationType } from '@protector/contract';

/** The API's operation states (typed against the contract: none missing, none made up). */
const STATUS_SET: Record<OperationStatus, true> = { pending: true, running: true, completed: true, failed: true, partial: true, rolling_back: true, rolled_back: true, cancelled: true };
export const OPERATION_STATUSES = Object.keys(STATUS_SET) as OperationStatus[];

const TYPE_SET: Record<OperationType, true> = { pg_create: true, member_add: true, member_remove: true, pg_delete: true, replicate: true, failover: true, failback: true, test_failover: true, test_cleanup: true, cleanup: true, bulk: true, plan_run: true };
export const OPERATION_TYPES = Object.keys(TYPE_SET) as OperationType[];

/** States an operation does not leave: its page stops polling. */
export const FINISHED = new Set<string>(['completed', 'failed', 'partial', 'rolled_back', 'cancelled']);
