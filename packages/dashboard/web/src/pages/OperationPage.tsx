import type { RunReport } from '@protector/contract';
import { Alert, Button, Content, PageSection, Progress, Title } from '@patternfly/react-core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import type { Allowed, Cancelled, CleanupStarted, OperationView } from '../../../src/shared/operations';
import { api, get } from '../api/client';
import { pollEvery, POLL_FAST_MS } from '../api/poll';
import { ActionButton } from '../components/ActionButton';
import { DataTable } from '../components/DataTable';
import { DetailList } from '../components/DetailList';
import { ErrorAlert } from '../components/ErrorAlert';
import { QueryState } from '../components/QueryState';
import { StatusLabel } from '../components/StatusLabel';
import { operationApi, operationPath, pgPath } from '../domain/paths';
import { duration, when } from '../domain/time';
import { FINISHED } from './ops/words';

const whyNot = (a: Allowed): string | null => (a.allowed ? null : (a.reason ?? 'the API does not allow it now'));

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
 * One operation as it runs: its steps with their state, timing and errors, the overall progress,
 * the time it waited for an engine and the elapsed time from the request (its RTO), its outcome
 * and whether the other site stored it; polled every 2 s until it ends. Clean up and Cancel are
 * offered where the API allows them, and say why not otherwise.
 */
export function OperationPage() {
  const { site = '', id = '' } = useParams();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const key = ['operation', site, id];
  const q = useQuery({
    queryKey: key,
    queryFn: () => get<OperationView>(operationApi(site, id)),
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.operation.status) ? false : pollEvery(POLL_FAST_MS)),
  });
  // Once it has ended: the run report's achieved RTO and RPO (read once; the page stops polling too).
  const ended = q.data !== undefined && FINISHED.has(q.data.operation.status);
  const report = useQuery({ queryKey: ['operation-report', site, id], queryFn: () => get<RunReport>(operationApi(site, id, '/report')), enabled: ended });
  const cleanup = useMutation({
    mutationFn: () => api<CleanupStarted>('POST', operationApi(site, id, '/cleanup')),
    onSuccess: (r) => void navigate(operationPath(r.site, r.operation.id)),
  });
  const cancel = useMutation({
    mutationFn: () => api<Cancelled>('POST', operationApi(site, id, '/cancel')),
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
  });
  const failed = cleanup.error ?? cancel.error;

  return (
    <PageSection>
      <QueryState q={q} what={`operation ${id}`}>
        {(v) => {
          const op = v.operation;
          const r = ended ? report.data : undefined;
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
              <div style={{ marginBlock: '1rem' }}>
                <DetailList
                  isCompact
                  items={[
                    ['Protection group', op.protection_group_id ? <Link to={pgPath(op.protection_group_id)}>{op.protection_group_id}</Link> : '-'],
                    ['Requested', when(op.created_at)],
                    ['Started', op.started_at ? when(op.started_at) : 'not started yet'],
                    // Waiting for an engine, then the RTO from the request (the wait included).
                    ['Queued', duration(op.queued_seconds)],
                    [ended ? 'Took' : 'Elapsed', duration(op.rto_seconds)],
                    // The achieved RTO (request to the last server ACTIVE) and RPO (recovery point age at the start).
                    r !== undefined && ['Achieved RTO', duration(r.rto_seconds)],
                    r !== undefined && ['Achieved RPO', duration(r.rpo_seconds)],
                  ]}
                />
              </div>
              <Outcome v={v} />
              <ErrorAlert error={failed} title="Refused" />
              <div style={{ marginBlock: '1rem' }}>
                <ActionButton label="Clean up" does="Removes what this failover left on the site it came from." blocked={whyNot(v.actions.cleanup)} isLoading={cleanup.isPending} onClick={() => cleanup.mutate()} />
                <ActionButton label="Cancel" does="Stops this operation before any engine starts it; nothing is changed." blocked={whyNot(v.actions.cancel)} isLoading={cancel.isPending} onClick={() => cancel.mutate()} />
                {/* The site's printable run report, through this server (which holds the session), in a tab of its own. */}
                <Button variant="link" component="a" href={operationApi(site, id, '/report.html')} target="_blank" rel="noopener noreferrer">
                  Printable report
                </Button>
              </div>
              {op.children.length > 0 && (
                // A bulk action's parent: its children, one per protection group, do the work.
                <DataTable
                  label="Protection groups"
                  rows={op.children}
                  rowKey={(x) => x.id}
                  columns={[
                    { title: 'Protection group', cell: (x) => (x.protection_group_id ? <Link to={pgPath(x.protection_group_id)}>{x.protection_group_id}</Link> : '-') },
                    { title: 'Operation', cell: (x) => <Link to={operationPath(v.site, x.id)}>{x.type}</Link> },
                    { title: 'State', cell: (x) => <StatusLabel value={x.status} /> },
                    { title: 'Progress', cell: (x) => `${x.progress}%` },
                    { title: 'Error', cell: (x) => x.error ?? '' },
                  ]}
                />
              )}
              {v.addresses.length > 0 && (
                // What the recreated ports got, old -> new, and the re-IP rule that gave a new one.
                <DataTable
                  label="Addresses"
                  rows={v.addresses.flatMap((x) => x.addresses.map((a) => ({ ...a, server: x.server })))}
                  rowKey={(a) => `${a.source_port_id}|${a.from}`}
                  columns={[
                    { title: 'Server', cell: (a) => a.server },
                    { title: 'Was', cell: (a) => a.from },
                    { title: 'Now', cell: (a) => a.to ?? '-' },
                    { title: 'How', cell: (a) => (a.via === 'kept' ? 'kept' : a.via === 're_ip' ? `re-IP ${a.rule ? `${a.rule.source_cidr} -> ${a.rule.target_cidr}` : ''}` : 'new, chosen by Neutron') },
                  ]}
                />
              )}
              <DataTable
                label="Steps"
                rows={op.steps}
                rowKey={(x) => x.seq}
                columns={[
                  { title: '#', cell: (x) => x.seq + 1 },
                  { title: 'Step', cell: (x) => x.name },
                  { title: 'State', cell: (x) => <StatusLabel value={x.status} /> },
                  { title: 'Started', cell: (x) => when(x.started_at) },
                  { title: 'Duration', cell: (x) => (x.duration_ms === null ? '-' : duration(x.duration_ms / 1000)) },
                  { title: 'Error', cell: (x) => x.error ?? '' },
                ]}
              />
            </>
          );
        }}
      </QueryState>
    </PageSection>
  );
}
