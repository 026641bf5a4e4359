import { Alert, Button, Content, type ButtonProps } from '@patternfly/react-core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, type ReactNode } from 'react';
import type { PgDetailView } from '../../../../src/shared/pg-detail';
import { ApiError, messageOf } from '../../api/client';
import { TRANSITIONAL } from '../../components/StatusLabel';

/** The detail page's API path of a PG (id or name). */
export const pgApi = (pg: string, suffix = ''): string => `/api/protection-groups/${encodeURIComponent(pg)}${suffix}`;

export const pgKey = (pg: string) => ['pg', pg] as const;

/** Something moves: a transitional state or an operation running on either site (the page polls fast then). */
export function isBusy(d: PgDetailView | undefined): boolean {
  if (!d) return false;
  return TRANSITIONAL.has(d.protection_group.status) || d.operations.some((o) => TRANSITIONAL.has(o.status)) || d.metadata.sites.some((s) => s.active_operation_id !== null);
}

/** Why no change to the PG's document can be made now (every change needs both sites and agreeing copies), or null. */
export function changeBlock(d: PgDetailView): string | null {
  const down = d.metadata.sites.find((s) => !s.reachable);
  if (down) return `${down.site} ${down.logged_in ? 'does not answer' : 'is not logged in'}: every change needs both sites`;
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

/** An action with its one line: what it does, or why it cannot run now. */
export function ActionButton({ label, does, blocked, onClick, variant = 'secondary', isLoading }: { label: string; does: string; blocked: string | null; onClick: () => void; variant?: ButtonProps['variant']; isLoading?: boolean }) {
  const id = useId();
  return (
    <div style={{ marginBlockEnd: 'var(--pf-t--global--spacer--sm)' }}>
      <Button variant={variant} isDisabled={blocked !== null || isLoading === true} isLoading={isLoading} onClick={onClick} aria-describedby={id}>
        {label}
      </Button>{' '}
      <Content component="small" id={id}>
        {blocked ? `Not now: ${blocked}` : does}
      </Content>
    </div>
  );
}

/** The server's `'field': reason` for a 400, split, so forms put it under the field. */
export function fieldError(err: unknown): { field: string; reason: string } | null {
  if (!(err instanceof ApiError) || err.status !== 400) return null;
  const m = /^'([^']+)': (.*)$/s.exec(err.message);
  return m ? { field: m[1]!, reason: m[2]! } : null;
}

export function ErrorAlert({ error, title }: { error: unknown; title: string }) {
  if (!error) return null;
  return (
    <Alert variant="danger" isInline title={title}>
      {messageOf(error)}
    </Alert>
  );
}

/** An age for people: 45 s, 12 min, 3 h 5 min, 2 d 4 h. */
export function age(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const min = Math.floor(seconds / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

export const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : '-');

/** A section heading inside a tab. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section style={{ marginBlockStart: 'var(--pf-t--global--spacer--md)' }} aria-label={title}>
      <Content component="h2">{title}</Content>
      {children}
    </section>
  );
}
