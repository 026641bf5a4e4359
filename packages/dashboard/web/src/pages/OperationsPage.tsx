import { Alert, Button, PageSection, Title, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { OperationHistory } from '../../../src/shared/operations';
import { get } from '../api/client';
import { pollWhile } from '../api/poll';
import { DataTable } from '../components/DataTable';
import { FilterSelect } from '../components/FilterSelect';
import { QueryState } from '../components/QueryState';
import { StatusLabel, TRANSITIONAL } from '../components/StatusLabel';
import { operationPath } from '../domain/paths';
import { when } from '../domain/time';
import { OPERATION_STATUSES, OPERATION_TYPES } from './ops/words';

const PAGE = 25;

/**
 * What the engines of both sites did and do, newest first, each row naming its site; filtered by
 * state, type and protection group (the URL keeps them); a site that does not answer is said, and
 * its rows are missing rather than stale.
 */
export function OperationsPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const type = params.get('type') ?? '';
  const pg = params.get('pg') ?? '';
  // The cursors of the pages seen, to go back; the last one is the page shown.
  const [cursors, setCursors] = useState<string[]>(['']);
  const cursor = cursors.at(-1) ?? '';
  const query = new URLSearchParams({ limit: String(PAGE), ...(status && { status }), ...(type && { type }), ...(pg && { pg }), ...(cursor && { cursor }) });
  const q = useQuery({
    queryKey: ['operations', status, type, pg, cursor],
    queryFn: () => get<OperationHistory>(`/api/operations?${query.toString()}`),
    placeholderData: keepPreviousData,
    refetchInterval: (qq) => pollWhile((qq.state.data?.operations ?? []).some((o) => TRANSITIONAL.has(o.status))),
  });
  const filter = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next);
    setCursors(['']);
  };

  return (
    <PageSection>
      <Title headingLevel="h1">Operations</Title>
      <Toolbar>
        <ToolbarContent>
          <FilterSelect label="Status" any="Any status" value={status} options={OPERATION_STATUSES} onChange={(v) => filter('status', v)} />
          <FilterSelect label="Type" any="Any type" value={type} options={OPERATION_TYPES} onChange={(v) => filter('type', v)} />
          {pg && (
            <ToolbarItem>
              <Button variant="link" onClick={() => filter('pg', '')}>
                Protection group {pg} ✕
              </Button>
            </ToolbarItem>
          )}
        </ToolbarContent>
      </Toolbar>
      <QueryState q={q} what="the operations">
        {(h) => (
          <>
            {h.unreachable.map((s) => (
              <Alert key={s} variant="warning" isInline title={`${s} did not answer: its operations are missing from this list`}>
                {h.reasons[s]}
              </Alert>
            ))}
            <DataTable
              label="Operations"
              rows={h.operations}
              rowKey={(o) => `${o.site}/${o.id}`}
              columns={[
                { title: 'Created', cell: (o) => <Link to={operationPath(o.site, o.id)}>{when(o.created_at)}</Link> },
                { title: 'Site', cell: (o) => o.site },
                { title: 'Type', cell: (o) => o.type },
                { title: 'Status', cell: (o) => <StatusLabel value={o.status} /> },
                { title: 'Progress', cell: (o) => `${o.progress}%` },
                { title: 'Protection group', cell: (o) => o.protection_group_name ?? o.protection_group_id ?? '-' },
                { title: 'Error', cell: (o) => o.error ?? '' },
              ]}
            />
            {h.operations.length === 0 && <p>No operations{status || type || pg ? ' match these filters' : ''}.</p>}
            <Toolbar>
              <ToolbarContent>
                <ToolbarItem>
                  <Button variant="secondary" isDisabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
                    Newer
                  </Button>
                </ToolbarItem>
                <ToolbarItem>
                  <Button variant="secondary" isDisabled={!h.next} onClick={() => h.next && setCursors([...cursors, h.next])}>
                    Older
                  </Button>
                </ToolbarItem>
              </ToolbarContent>
            </Toolbar>
          </>
        )}
      </QueryState>
    </PageSection>
  );
}
