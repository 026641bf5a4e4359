import { FINISHED_STATUSES, type Operation, type OperationDetail, type OperationStatus, type OperationType, type RunReport } from '@protector/contract';
import type { ListOptions } from './common.js';
import { compact } from './common.js';
import type { ListPage, ProtectorTransport } from './transport.js';
import { seg } from './transport.js';

export { FINISHED_STATUSES, REPORT_CSP, type Operation, type OperationDetail, type OperationStatus, type OperationStep, type OperationType, type StepStatus } from '@protector/contract';
export { serverAddressesOf, type AddressReport, type ServerAddresses } from '@protector/contract';
export type { ReportAddress, ReportError, ReportProtectionGroup, ReportServer, ReportStep, ReportTier, ReportUser, ReportWait, RunReport } from '@protector/contract';
export const isFinished = (status: string): boolean => (FINISHED_STATUSES as readonly string[]).includes(status);

export type OperationListOptions = ListOptions & { pg_id?: string; parent_id?: string; status?: OperationStatus; type?: OperationType | string };

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

  /** The run report of any operation (single action, bulk action, plan run): who, when, per PG and server, RTO and RPO. */
  async report(id: string): Promise<RunReport> {
    return (await this.t.get<{ report: RunReport }>(await this.t.projectPath(`/operations/${seg(id)}/report`))).report;
  }

  /** The same report as a printable, self-contained HTML page. */
  async reportHtml(id: string): Promise<string> {
    const page = await this.t.get<unknown>(await this.t.projectPath(`/operations/${seg(id)}/report`), { format: 'html' });
    if (typeof page !== 'string') throw new Error(`The report of operation ${id} did not come back as an HTML page.`);
    return page;
  }

  /** Runs a failover's cleanup step again (202, a new `cleanup` operation). */
  async cleanup(id: string): Promise<Operation> {
    return (await this.t.post<{ operation: Operation }>(await this.t.projectPath(`/operations/${seg(id)}/cleanup`))).operation;
  }

  /** Puts a failed operation back to work from its failed step (202); a failed rollback goes on rolling back; a paused plan run goes on. */
  async resume(id: string): Promise<Operation> {
    return (await this.t.post<{ operation: Operation }>(await this.t.projectPath(`/operations/${seg(id)}/resume`))).operation;
  }

  /** A recovery plan run waiting for an approval goes on to its next tier (409 when it waits for none). */
  async approve(id: string, opts: { comment?: string } = {}): Promise<OperationDetail> {
    return (await this.t.post<{ operation: OperationDetail }>(await this.t.projectPath(`/operations/${seg(id)}/approve`), compact(opts))).operation;
  }

  /** A recovery plan run starts no further tier until resumed (`resume`); what has started goes on. */
  async pause(id: string): Promise<OperationDetail> {
    return (await this.t.post<{ operation: OperationDetail }>(await this.t.projectPath(`/operations/${seg(id)}/pause`))).operation;
  }

  /** Commits a failover awaiting commit: replication is reversed, it goes on (409 unless it is awaiting one). */
  async commit(id: string): Promise<OperationDetail> {
    return (await this.t.post<{ operation: OperationDetail }>(await this.t.projectPath(`/operations/${seg(id)}/commit`))).operation;
  }

  /** Rolls back a failover awaiting commit: what came up goes, the source runs again. */
  async rollback(id: string): Promise<OperationDetail> {
    return (await this.t.post<{ operation: OperationDetail }>(await this.t.projectPath(`/operations/${seg(id)}/rollback`))).operation;
  }

  /** Cancels an operation no engine has started yet (409 once it runs). */
  async cancel(id: string): Promise<OperationDetail> {
    return (await this.t.post<{ operation: OperationDetail }>(await this.t.projectPath(`/operations/${seg(id)}/cancel`))).operation;
  }
}
