import { Alert, Button, MenuToggle, PageSection, TextInput, Title, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { ActionsColumn, type IAction } from '@patternfly/react-table';
import EllipsisVIcon from '@patternfly/react-icons/dist/esm/icons/ellipsis-v-icon';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { SiteReach } from '../../../src/shared/api';
import type { SyncNowAnswer } from '../../../src/shared/pg-detail';
import type { PgListView, PgRow } from '../../../src/shared/pg-list';
import { api, get, messageOf } from '../api/client';
import { pollWhile } from '../api/poll';
import { DataTable } from '../components/DataTable';
import { DeletePgModal } from '../components/DeletePgModal';
import { FilterSelect } from '../components/FilterSelect';
import { QueryState } from '../components/QueryState';
import { StatusLabel, TRANSITIONAL } from '../components/StatusLabel';
import { Verdict } from '../components/Verdict';
import { operationPath, pgApi, pgPath } from '../domain/paths';
import { duration, when } from '../domain/time';
import { pgActions } from '../domain/pg-actions';

const SYNC_WORDS = ['IN SYNC', 'OUT OF SYNC', 'UNREACHABLE'] as const;

/** The table's filters: a name's part, a status, a sync word ('' = any). */
export interface PgFilter {
  name: string;
  status: string;
  sync: string;
}

export const filterRows = (rows: PgRow[], f: PgFilter): PgRow[] =>
  rows.filter((r) => r.name.toLowerCase().includes(f.name.trim().toLowerCase()) && (f.status === '' || r.status === f.status) && (f.sync === '' || r.sync === f.sync));

function RecoveryPoint({ row }: { row: PgRow }) {
  const rp = row.recovery_point;
  if (!rp) return <>unknown</>;
  if (rp.lag_seconds === null) return <>none yet</>;
  return (
    <>
      {rp.transferred_at ? `${when(rp.transferred_at)} · ` : ''}lag {duration(rp.lag_seconds)} of {rp.rpo_minutes} min RPO <Verdict ok={rp.rpo_compliant} yes="compliant" no="not compliant" />
    </>
  );
}

export function ProtectionGroupsPage() {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [filter, setFilter] = useState<PgFilter>({ name: '', status: '', sync: '' });
  const [deleting, setDeleting] = useState<PgRow | null>(null);
  const [error, setError] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ['protection-groups'],
    queryFn: () => get<PgListView>('/api/protection-groups'),
    refetchInterval: (query) => pollWhile((query.state.data?.protection_groups ?? []).some((p) => TRANSITIONAL.has(p.status) || p.active_operation !== null)),
  });
  const syncNow = async (row: PgRow) => {
    setError(null);
    try {
      const s = await api<SyncNowAnswer>('POST', pgApi(row.id, '/sync-now'));
      void qc.invalidateQueries({ queryKey: ['protection-groups'] });
      void navigate(operationPath(s.site, s.operation.id));
    } catch (err) {
      setError(`Sync now of ${row.name}: ${messageOf(err)}`);
    }
  };
  const items = (row: PgRow, sites: SiteReach[]): IAction[] =>
    pgActions(row, sites).map((a) => ({
      title: a.title,
      itemKey: a.id,
      isAriaDisabled: a.disabled !== null,
      description: a.disabled === null ? a.description : `${a.description} Not now: ${a.disabled}.`,
      onClick: a.disabled !== null ? undefined : () => (a.to ? navigate(a.to) : a.id === 'sync-now' ? void syncNow(row) : setDeleting(row)),
    }));

  return (
    <PageSection>
      <Title headingLevel="h1">Protection groups</Title>
      {error && <Alert variant="danger" isInline title={error} actionClose={<Button variant="plain" aria-label="Close" onClick={() => setError(null)}>×</Button>} />}
      <QueryState q={q} what="the protection groups">
        {(v) => {
          const rows = filterRows(v.protection_groups, filter);
          const statuses = [...new Set(v.protection_groups.map((p) => p.status))].sort();
          return (
            <>
              {v.problems.map((p) => (
                <Alert key={p} variant="warning" isInline isPlain title={p} />
              ))}
              <Toolbar>
                <ToolbarContent>
                  <ToolbarItem>
                    <TextInput aria-label="Filter by name" placeholder="Filter by name" value={filter.name} onChange={(_e, name) => setFilter({ ...filter, name })} />
                  </ToolbarItem>
                  <FilterSelect label="Filter by status" any="Any status" value={filter.status} options={statuses} onChange={(status) => setFilter({ ...filter, status })} />
                  <FilterSelect label="Filter by sync" any="Any sync state" value={filter.sync} options={SYNC_WORDS} onChange={(sync) => setFilter({ ...filter, sync })} />
                  <ToolbarItem align={{ default: 'alignEnd' }}>
                    <Button variant="primary" onClick={() => navigate('/protection-groups/new')}>
                      Create protection group
                    </Button>
                  </ToolbarItem>
                </ToolbarContent>
              </Toolbar>
              <DataTable
                label="Protection groups"
                rows={rows}
                rowKey={(p) => p.id}
                columns={[
                  { title: 'Name', cell: (p) => <Link to={pgPath(p.id)}>{p.name}</Link> },
                  { title: 'Status', cell: (p) => <StatusLabel value={p.status} /> },
                  { title: 'Replication', cell: (p) => p.replication_type },
                  { title: 'Active site', cell: (p) => p.active_site ?? '-' },
                  { title: 'Sync', cell: (p) => <StatusLabel value={p.sync} /> },
                  { title: 'Last recovery point', cell: (p) => <RecoveryPoint row={p} /> },
                  { title: 'Members', cell: (p) => p.members ?? '?' },
                  {
                    title: 'Actions',
                    isActionCell: true,
                    cell: (p) => (
                      <ActionsColumn
                        items={items(p, v.sites)}
                        popperProps={{ position: 'end', maxWidth: '34rem' }}
                        actionsToggle={(t) => (
                          <MenuToggle ref={t.toggleRef} aria-label={`Actions for ${p.name}`} variant="plain" onClick={t.onToggle} isExpanded={t.isOpen} isDisabled={t.isDisabled} icon={<EllipsisVIcon />} />
                        )}
                      />
                    ),
                  },
                ]}
              />
              {rows.length === 0 && <p>{v.protection_groups.length === 0 ? 'No protection group yet: create one.' : 'No protection group matches the filters.'}</p>}
            </>
          );
        }}
      </QueryState>
      {deleting && <DeletePgModal pg={deleting} onClose={() => setDeleting(null)} />}
    </PageSection>
  );
}
