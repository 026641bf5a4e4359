import type { OperationStatus, OperationType } from '@protector/contract';

/** The API's operation states (typed against the contract: none missing, none made up). */
const STATUS_SET: Record<OperationStatus, true> = { pending: true, running: true, completed: true, failed: true, partial: true, rolling_back: true, rolled_back: true, cancelled: true };
export const OPERATION_STATUSES = Object.keys(STATUS_SET) as OperationStatus[];

const TYPE_SET: Record<OperationType, true> = { pg_create: true, member_add: true, member_remove: true, pg_delete: true, replicate: true, failover: true, failback: true, test_failover: true, test_cleanup: true, cleanup: true };
export const OPERATION_TYPES = Object.keys(TYPE_SET) as OperationType[];

/** States an operation does not leave: its page stops polling. */
export const FINISHED = new Set<string>(['completed', 'failed', 'partial', 'rolled_back', 'cancelled']);

/** The API's timestamps (UTC, no zone) as people read them, the same in every browser. */
export const when = (ts: string | null | undefined): string => (ts ? `${ts.slice(0, 19).replace('T', ' ')} UTC` : '-');

/** Seconds as "1 h 2 min", "3 min 5 s", "4.2 s". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '-';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
