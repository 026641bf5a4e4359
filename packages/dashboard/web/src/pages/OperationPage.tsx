import {
  Alert,
  Button,
  Content,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  FlexItem,
  PageSection,
  Progress,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import type { Allowed, Cancelled, CleanupStarted, OperationView } from '../../../src/shared/operations';
import { api, get, messageOf } from '../api/client';
import { pollEvery, POLL_FAST_MS } from '../api/poll';
import { QueryState } from '../components/QueryState';
import { StatusLabel } from '../components/StatusLabel';
import { duration, FINISHED, when } from './ops/words';

const enc = encodeURIComponent;

/** A button that may not be pressed now, with the reason said beside it (never a silent grey). */
function ActionButton({ label, what, allowed, busy, onClick }: { label: string; what: string; allowed: Allowed; busy: boolean; onClick: () => void }) {
  return (
    <FlexItem>
      <Button variant="secondary" isDisabled={!allowed.allowed || busy} isLoading={busy} onClick={onClick}>
        {label}
      </Button>
      <Content component="small" style={{ display: 'block' }}>
        {allowed.allowed ? what : `${what} Not now: ${allowed.reason}.`}
      </Content>
    </FlexItem>
  );
}

function Outcome({ v }: { v: OperationView }) {
  const op = v.operation;
  if (!FINISHED.has(op.status)) return null;
  const variant = op.status === 'completed' ? 'success' : op.status === 'failed' ? 'danger' : 'warning';
  return (
    <Alert variant={variant} isInline title={`Ended ${op.status} after ${duration(op.rto_seconds)}`}>
      {op.error && <p>{op.error}</p>}
      {v.stored === true && <p>Its result was stored on the other site.</p>}
      {v.stored === false && <p>Its result is not stored on the other site: {v.store_error}</p>}
    </Alert>
  );
}

/**
 * One operation as it runs: its steps with their state, timing and errors, the overall progress
 * and elapsed time, its outcome and whether the other site stored it; polled every 2 s until it
 * ends. Clean up and Cancel are offered where the API allows them, and say why not otherwise.
 */
export function OperationPage() {
  const { site = '', id = '' } = useParams();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const key = ['operation', site, id];
  const q = useQuery({
    queryKey: key,
    queryFn: () => get<OperationView>(`/api/operations/${enc(site)}/${enc(id)}`),
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.operation.status) ? false : pollEvery(POLL_FAST_MS)),
  });
  const cleanup = useMutation({
    mutationFn: () => api<CleanupStarted>('POST', `/api/operations/${enc(site)}/${enc(id)}/cleanup`),
    onSuccess: (r) => void navigate(`/operations/${enc(r.site)}/${enc(r.operation.id)}`),
  });
  const cancel = useMutation({
    mutationFn: () => api<Cancelled>('POST', `/api/operations/${enc(site)}/${enc(id)}/cancel`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
  });
  const failed = cleanup.error ?? cancel.error;

  return (
    <PageSection>
      <QueryState q={q} what={`operation ${id}`}>
        {(v) => {
          const op = v.operation;
          const ended = FINISHED.has(op.status);
          return (
            <>
              <Title headingLevel="h1">
                Operation {op.type} on {v.site} <StatusLabel value={op.status} />
              </Title>
              <Content component="p">{op.id}</Content>
              <Progress
                value={op.progress}
                title="Progress"
                aria-label="Progress"
                variant={op.status === 'completed' ? 'success' : op.status === 'failed' ? 'danger' : ['partial', 'rolled_back', 'rolling_back'].includes(op.status) ? 'warning' : undefined}
              />
              <DescriptionList isHorizontal isCompact style={{ marginBlock: '1rem' }}>
                <DescriptionListGroup>
                  <DescriptionListTerm>Protection group</DescriptionListTerm>
                  <DescriptionListDescription>{op.protection_group_id ? <Link to={`/protection-groups/${enc(op.protection_group_id)}`}>{op.protection_group_id}</Link> : '-'}</DescriptionListDescription>
                </DescriptionListGroup>
                <DescriptionListGroup>
                  <DescriptionListTerm>Started</DescriptionListTerm>
                  <DescriptionListDescription>{when(op.started_at ?? op.created_at)}</DescriptionListDescription>
                </DescriptionListGroup>
                <DescriptionListGroup>
                  <DescriptionListTerm>{ended ? 'Took' : 'Elapsed'}</DescriptionListTerm>
                  <DescriptionListDescription>{op.started_at ? duration(op.rto_seconds) : 'not started yet'}</DescriptionListDescription>
                </DescriptionListGroup>
              </DescriptionList>
              <Outcome v={v} />
              {failed && (
                <Alert variant="danger" isInline title="Refused">
                  {messageOf(failed)}
                </Alert>
              )}
              <Flex style={{ marginBlock: '1rem' }}>
                <ActionButton label="Clean up" what="Removes what this failover left on the site it came from." allowed={v.actions.cleanup} busy={cleanup.isPending} onClick={() => cleanup.mutate()} />
                <ActionButton label="Cancel" what="Stops this operation before any engine starts it; nothing is changed." allowed={v.actions.cancel} busy={cancel.isPending} onClick={() => cancel.mutate()} />
              </Flex>
              <Table aria-label="Steps" variant="compact">
                <Thead>
                  <Tr>
                    <Th>#</Th>
                    <Th>Step</Th>
                    <Th>State</Th>
                    <Th>Started</Th>
                    <Th>Duration</Th>
                    <Th>Error</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {op.steps.map((s) => (
                    <Tr key={s.seq}>
                      <Td dataLabel="#">{s.seq + 1}</Td>
                      <Td dataLabel="Step">{s.name}</Td>
                      <Td dataLabel="State">
                        <StatusLabel value={s.status} />
                      </Td>
                      <Td dataLabel="Started">{when(s.started_at)}</Td>
                      <Td dataLabel="Duration">{s.duration_ms === null ? '-' : duration(s.duration_ms / 1000)}</Td>
                      <Td dataLabel="Error">{s.error ?? ''}</Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            </>
          );
        }}
      </QueryState>
    </PageSection>
  );
}
