import { Alert, Content } from '@patternfly/react-core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { PgDetailView } from '../../../../src/shared/pg-detail';
import { ApiError } from '../../api/client';
import { TRANSITIONAL } from '../../components/StatusLabel';
import { operationPath } from '../../domain/paths';

export const pgKey = (pg: string) => ['pg', pg] as const;

/** Something moves: a transitional state or an operation running on either site (the page polls fast then). */
export function isBusy(d: PgDetailView | undefined): boolean {
  if (!d) return false;
  return TRANSITIONAL.has(d.protection_group.status) || d.operations.some((o) => TRANSITIONAL.has(o.status)) || d.metadata.sites.some((s) => s.active_operation_id !== null);
}

/** The site of the pair that cannot be asked now ("site-b does not answer"), or null. */
export function unreachable(d: PgDetailView): string | null {
  const down = d.metadata.sites.find((s) => !s.reachable);
  return down ? `${down.site} ${down.logged_in ? 'does not answer' : 'is not logged in'}` : null;
}

/** Why no change to the PG's document can be made now (every change needs both sites and agreeing copies), or null. */
export function changeBlock(d: PgDetailView): string | null {
  const down = unreachable(d);
  if (down) return `${down}: every change needs both sites`;
  if (d.metadata.state === 'diverged') return 'both sites changed this protection group: choose the copy that wins on the Metadata tab first';
  if (d.metadata.sync !== 'IN SYNC') return `the two sites' copies differ (${d.metadata.summary})`;
  if (d.protection_group.status === 'deleting') return 'it is being deleted';
  return null;
}

/** Members change only on an active PG with nothing running (protector-api's rule), besides the rules of every change. */
export function memberBlock(d: PgDetailView): string | null {
  const block = changeBlock(d);
  if (block) return block;
  const status = d.protection_group.status;
  if (status !== 'active') return `members can be changed only while the protection group is active (it is ${status})`;
  if (d.protection_group.active_operation_id) return `operation ${d.protection_group.active_operation_id} is running on it`;
  return null;
}

/** A change from a tab: on success the page's document is read again. */
export function useChange<TVars, TAnswer>(pg: string, fn: (vars: TVars) => Promise<TAnswer>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: pgKey(pg) }) });
}

/** The server's `'field': reason` for a 400, split, so forms put it under the field. */
export function fieldError(err: unknown): { field: string; reason: string } | null {
  if (!(err instanceof ApiError) || err.status !== 400) return null;
  const m = /^'([^']+)': (.*)$/s.exec(err.message);
  return m ? { field: m[1]!, reason: m[2]! } : null;
}

/** A section heading inside a tab. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section style={{ marginBlockStart: 'var(--pf-t--global--spacer--md)' }} aria-label={title}>
      <Content component="h2">{title}</Content>
      {children}
    </section>
  );
}

/** An operation a change started, linked to its page; a warning when the change is not stored on the other site yet. */
export function OperationStarted({ a, what }: { a: { site: string; operation: { id: string }; stored?: boolean; store_error?: string | null }; what: string }) {
  return (
    <Alert variant={a.stored === false ? 'warning' : 'success'} isInline title={`${what}: operation started on ${a.site}`}>
      <Link to={operationPath(a.site, a.operation.id)}>Follow operation {a.operation.id}</Link>
      {a.store_error && <div>{a.store_error}</div>}
    </Alert>
  );
}
