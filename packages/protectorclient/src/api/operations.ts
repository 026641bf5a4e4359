import type { ListOptions, Timestamp } from './common.js';
import type { ListPage, ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export type OperationStatus = 'pending' | 'running' | 'completed' | 'failed' | 'partial' | 'rolling_back' | 'rolled_back' | 'cancelled';
/** The states an operation does not leave. */
export const FINISHED_STATUSES: readonly OperationStatus[] = ['completed', 'failed', 'partial', 'rolled_back', 'cancelled'];
export const isFinished = (status: string): boolean => (FINISHED_STATUSES as readonly string[]).includes(status);

export type OperationType = 'pg_create' | 'member_add' | 'member_remove' | 'pg_delete' | 'sync' | 'failover' | 'failback' | 'test_failover' | 'test_cleanup' | 'cleanup';

export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

/** An operation as lists and 202 answers show it. */
export interface Operation {
  id: string;
  project_id: string;
  protection_group_id: string | null;
  type: OperationType | string;
  status: OperationStatus;
  /** 0–100. */
  progress: number;
  params: Record<string, unknown>;
  result: Record<string, unknown>;
  error: string | null;
  request_id: string;
  user_id: string;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface OperationStep {
  seq: number;
  name: string;
  status: StepStatus;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  duration_ms: number | null;
  detail: Record<string, unknown>;
  error: string | null;
}

/** `GET …/operations/{id}`: the operation with its steps and the achieved RTO. */
export interface OperationDetail extends Operation {
  steps: OperationStep[];
  /** Seconds from start to end (to now while running); null before it started. */
  rto_seconds: number | null;
}

export type OperationListOptions = ListOptions & { pg_id?: string; status?: OperationStatus; type?: OperationType | string };

/** `/v1/{project_id}/operations`. */
export class OperationsApi {
  constructor(private readonly t: ProtectorTransport) {}

  async list(opts: OperationListOptions = {}): Promise<Operation[]> {
    return this.t.listAll<Operation>(await this.t.projectPath('/operations'), 'operations', { ...opts });
  }

  async listPage(opts: OperationListOptions = {}): Promise<ListPage<Operation>> {
    return this.t.listPage<Operation>(await this.t.projectPath('/operations'), 'operations', { ...opts });
  }

  async get(id: string): Promise<OperationDetail> {
    return (await this.t.get<{ operation: OperationDetail }>(await this.t.projectPath(`/operations/${seg(id)}`))).operation;
  }

  /** Runs a failover's cleanup step again (202, a new `cleanup` operation). */
  async cleanup(id: string): Promise<Operation> {
    return (await this.t.post<{ operation: Operation }>(await this.t.projectPath(`/operations/${seg(id)}/cleanup`))).operation;
  }

  /** Cancels an operation no engine has started yet (409 once it runs). */
  async cancel(id: string): Promise<OperationDetail> {
    return (await this.t.post<{ operation: OperationDetail }>(await this.t.projectPath(`/operations/${seg(id)}/cancel`))).operation;
  }
}
