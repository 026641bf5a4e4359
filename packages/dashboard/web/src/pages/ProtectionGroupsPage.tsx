import { Alert, Button, FormSelect, FormSelectOption, MenuToggle, PageSection, TextInput, Title, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr, type IAction } from '@patternfly/react-table';
import EllipsisVIcon from '@patternfly/react-icons/dist/esm/icons/ellipsis-v-icon';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { SiteReach } from '../../../src/shared/api';
import type { PgListView, PgRow } from '../../../src/shared/pg-list';
import { api, get, messageOf } from '../api/client';
import { pollWhile } from '../api/poll';
import { DeletePgModal, type Started } from '../components/DeletePgModal';
import { QueryState } from '../components/QueryState';
import { StatusLabel, TRANSITIONAL } from '../components/StatusLabel';
import { Verdict } from '../components/Verdict';
import { duration } from '../domain/duration';
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
      {rp.transferred_at ? `${new Date(rp.transferred_at).toLocaleString()} · ` : ''}lag {duration(rp.lag_seconds)} of {rp.rpo_minutes} min RPO <Verdict ok={rp.rpo_compliant} yes="compliant" no="not compliant" />
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
  const follow = (s: Started) => {
    void qc.invalidateQueries({ queryKey: ['protection-groups'] });
    navigate(`/operations/${encodeURIComponent(s.site)}/${encodeURIComponent(s.operation.id)}`);
  };
  const syncNow = async (row: PgRow) => {
    setError(null);
    try {
      follow(await api<Started>('POST', `/api/protection-groups/${encodeURIComponent(row.id)}/sync-now`));
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
                  <ToolbarItem>
                    <FormSelect aria-label="Filter by status" value={filter.status} onChange={(_e, status) => setFilter({ ...filter, status })}>
                      <FormSelectOption value="" label="Any status" />
                      {statuses.map((s) => (
                        <FormSelectOption key={s} value={s} label={s} />
                      ))}
                    </FormSelect>
                  </ToolbarItem>
                  <ToolbarItem>
                    <FormSelect aria-label="Filter by sync" value={filter.sync} onChange={(_e, sync) => setFilter({ ...filter, sync })}>
                      <FormSelectOption value="" label="Any sync state" />
                      {SYNC_WORDS.map((s) => (
                        <FormSelectOption key={s} value={s} label={s} />
                      ))}
                    </FormSelect>
                  </ToolbarItem>
                  <ToolbarItem align={{ default: 'alignEnd' }}>
                    <Button variant="primary" onClick={() => navigate('/protection-groups/new')}>
                      Create protection group
                    </Button>
                  </ToolbarItem>
                </ToolbarContent>
              </Toolbar>
              <Table aria-label="Protection groups" variant="compact">
                <Thead>
                  <Tr>
                    <Th modifier="wrap">Name</Th>
                    <Th modifier="wrap">Status</Th>
                    <Th modifier="wrap">Replication</Th>
                    <Th modifier="wrap">Active site</Th>
                    <Th modifier="wrap">Sync</Th>
                    <Th modifier="wrap">Last recovery point</Th>
                    <Th modifier="wrap">Members</Th>
                    <Th screenReaderText="Actions" />
                  </Tr>
                </Thead>
                <Tbody>
                  {rows.map((p) => (
                    <Tr key={p.id}>
                      <Td dataLabel="Name">
                        <Link to={`/protection-groups/${encodeURIComponent(p.id)}`}>{p.name}</Link>
                      </Td>
                      <Td dataLabel="Status">
                        <StatusLabel value={p.status} />
                      </Td>
                      <Td dataLabel="Replication">{p.replication_type}</Td>
                      <Td dataLabel="Active site">{p.active_site ?? '-'}</Td>
                      <Td dataLabel="Sync">
                        <StatusLabel value={p.sync} />
                      </Td>
                      <Td dataLabel="Last recovery point">
                        <RecoveryPoint row={p} />
                      </Td>
                      <Td dataLabel="Members">{p.members ?? '?'}</Td>
                      <Td isActionCell>
                        <ActionsColumn
                          items={items(p, v.sites)}
                          popperProps={{ position: 'end', maxWidth: '34rem' }}
                          actionsToggle={(t) => (
                            <MenuToggle ref={t.toggleRef} aria-label={`Actions for ${p.name}`} variant="plain" onClick={t.onToggle} isExpanded={t.isOpen} isDisabled={t.isDisabled} icon={<EllipsisVIcon />} />
                          )}
                        />
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
              {rows.length === 0 && <p>{v.protection_groups.length === 0 ? 'No protection group yet: create one.' : 'No protection group matches the filters.'}</p>}
            </>
          );
        }}
      </QueryState>
      {deleting && <DeletePgModal pg={deleting} onClose={() => setDeleting(null)} onStarted={(s) => { setDeleting(null); follow(s); }} />}
    </PageSection>
  );
}
