import { Alert, Button, FormSelect, FormSelectOption, PageSection, Title, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { OperationHistory } from '../../../src/shared/operations';
import { get } from '../api/client';
import { pollWhile } from '../api/poll';
import { QueryState } from '../components/QueryState';
import { StatusLabel, TRANSITIONAL } from '../components/StatusLabel';
import { OPERATION_STATUSES, OPERATION_TYPES, when } from './ops/words';

const enc = encodeURIComponent;
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
          <ToolbarItem>
            <FormSelect aria-label="Status" value={status} onChange={(_e, v) => filter('status', v)}>
              <FormSelectOption value="" label="Any status" />
              {OPERATION_STATUSES.map((s) => (
                <FormSelectOption key={s} value={s} label={s} />
              ))}
            </FormSelect>
          </ToolbarItem>
          <ToolbarItem>
            <FormSelect aria-label="Type" value={type} onChange={(_e, v) => filter('type', v)}>
              <FormSelectOption value="" label="Any type" />
              {OPERATION_TYPES.map((s) => (
                <FormSelectOption key={s} value={s} label={s} />
              ))}
            </FormSelect>
          </ToolbarItem>
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
            <Table aria-label="Operations" variant="compact">
              <Thead>
                <Tr>
                  <Th>Created</Th>
                  <Th>Site</Th>
                  <Th>Type</Th>
                  <Th>Status</Th>
                  <Th>Progress</Th>
                  <Th>Protection group</Th>
                  <Th>Error</Th>
                </Tr>
              </Thead>
              <Tbody>
                {h.operations.map((o) => (
                  <Tr key={`${o.site}/${o.id}`}>
                    <Td dataLabel="Created">
                      <Link to={`/operations/${enc(o.site)}/${enc(o.id)}`}>{when(o.created_at)}</Link>
                    </Td>
                    <Td dataLabel="Site">{o.site}</Td>
                    <Td dataLabel="Type">{o.type}</Td>
                    <Td dataLabel="Status">
                      <StatusLabel value={o.status} />
                    </Td>
                    <Td dataLabel="Progress">{o.progress}%</Td>
                    <Td dataLabel="Protection group">{o.protection_group_name ?? o.protection_group_id ?? '-'}</Td>
                    <Td dataLabel="Error">{o.error ?? ''}</Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
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
