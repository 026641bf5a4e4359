import { Alert, Card, CardBody, CardTitle, Content, Gallery, PageSection, Progress, Title } from '@patternfly/react-core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { OverviewView, RunningOperation } from '../../../src/shared/overview';
import { get } from '../api/client';
import { pollWhile } from '../api/poll';
import { DataTable } from '../components/DataTable';
import { QueryState } from '../components/QueryState';
import { RpoChart } from '../components/RpoChart';
import { StatusLabel } from '../components/StatusLabel';
import { Verdict } from '../components/Verdict';
import { operationPath, pgPath } from '../domain/paths';
import { duration } from '../domain/time';

function Operations({ ops }: { ops: RunningOperation[] }) {
  if (ops.length === 0) return <Content component="p">No operation is running on either site.</Content>;
  return (
    <DataTable
      label="Running operations"
      rows={ops}
      rowKey={(o) => `${o.site}/${o.id}`}
      columns={[
        { title: 'Operation', cell: (o) => <Link to={operationPath(o.site, o.id)}>{o.type}</Link> },
        { title: 'Protection group', cell: (o) => o.protection_group ?? o.protection_group_id ?? '-' },
        { title: 'Site', cell: (o) => o.site },
        { title: 'Status', cell: (o) => <StatusLabel value={o.status} /> },
        {
          title: 'Progress',
          cell: (o) => (
            <Progress
              value={o.steps_total > 0 ? (o.steps_done / o.steps_total) * 100 : 0}
              title={o.current_step ?? ''}
              measureLocation="outside"
              label={`${o.steps_done} of ${o.steps_total} steps`}
              valueText={`${o.steps_done} of ${o.steps_total} steps done${o.current_step ? `, now ${o.current_step}` : ''}`}
              aria-label={`${o.type} progress`}
              size="sm"
            />
          ),
        },
      ]}
    />
  );
}

export function OverviewPage() {
  const q = useQuery({
    queryKey: ['overview'],
    queryFn: () => get<OverviewView>('/api/overview'),
    refetchInterval: (query) => pollWhile((query.state.data?.operations.length ?? 0) > 0),
  });
  return (
    <PageSection>
      <Title headingLevel="h1">Overview</Title>
      <QueryState q={q} what="the overview">
        {(o) => (
          <>
            {o.problems.map((p) => (
              <Alert key={p} variant="warning" isInline isPlain title={p} />
            ))}
            <Gallery hasGutter minWidths={{ default: '260px' }} style={{ marginBlock: '1rem' }}>
              {o.sites.map((s) => (
                <Card key={s.name} aria-label={`site ${s.name}`}>
                  <CardTitle>{s.name}</CardTitle>
                  <CardBody>
                    <StatusLabel value={s.reachable ? 'up' : 'down'} /> {s.reachable ? 'answering' : (s.error ?? 'not answering')}
                  </CardBody>
                </Card>
              ))}
              <Card aria-label="protection groups">
                <CardTitle>Protection groups</CardTitle>
                <CardBody>
                  {o.protection_groups.total} in all, {o.protection_groups.out_of_sync} not IN SYNC; {o.readiness.ready} ready for failover, {o.readiness.not_ready} with blockers
                </CardBody>
              </Card>
            </Gallery>

            <Title headingLevel="h2">Readiness</Title>
            {o.readiness.rows.length === 0 ? (
              <Content component="p">No protection group yet.</Content>
            ) : (
              <DataTable
                label="Readiness, worst first"
                rows={o.readiness.rows}
                rowKey={(r) => r.id}
                columns={[
                  { title: 'Protection group', cell: (r) => <Link to={pgPath(r.id)}>{r.name}</Link> },
                  { title: 'Status', cell: (r) => <StatusLabel value={r.status} /> },
                  { title: 'Failover ready', cell: (r) => <Verdict ok={r.failover_ready} yes="ready" no="not ready" /> },
                  { title: 'Blockers', cell: (r) => (r.reasons.length === 0 ? 'none' : r.reasons.join('; ')) },
                ]}
              />
            )}

            <Title headingLevel="h2" style={{ marginBlockStart: '1.5rem' }}>
              RPO compliance (last {o.rpo.window_hours} h)
            </Title>
            {o.rpo.rows.length === 0 ? (
              <Content component="p">No replication health to show.</Content>
            ) : (
              <DataTable
                label="RPO compliance"
                rows={o.rpo.rows}
                rowKey={(r) => r.id}
                columns={[
                  { title: 'Protection group', cell: (r) => r.name },
                  { title: 'Lag now', cell: (r) => (r.lag_seconds === null ? 'no recovery point yet' : duration(r.lag_seconds)) },
                  { title: 'RPO', cell: (r) => `${r.rpo_minutes} min` },
                  { title: 'Compliance', cell: (r) => <Verdict ok={r.compliant} yes="compliant" no="not compliant" /> },
                  {
                    title: 'Lag over time',
                    cell: (r) => (r.series_error ? r.series_error : <RpoChart name={r.name} series={r.series} rpoMinutes={r.rpo_minutes} from={o.rpo.from} to={o.rpo.to} hours={o.rpo.window_hours} />),
                  },
                ]}
              />
            )}

            <Title headingLevel="h2" style={{ marginBlockStart: '1.5rem' }}>
              Running operations
            </Title>
            <Operations ops={o.operations} />
          </>
        )}
      </QueryState>
    </PageSection>
  );
}
