import { Alert, Card, CardBody, CardTitle, Content, Gallery, PageSection, Progress, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { OverviewView, RunningOperation } from '../../../src/shared/overview';
import { get } from '../api/client';
import { pollWhile } from '../api/poll';
import { QueryState } from '../components/QueryState';
import { RpoChart } from '../components/RpoChart';
import { StatusLabel } from '../components/StatusLabel';
import { Verdict } from '../components/Verdict';
import { duration } from '../domain/duration';

function Operations({ ops }: { ops: RunningOperation[] }) {
  if (ops.length === 0) return <Content component="p">No operation is running on either site.</Content>;
  return (
    <Table aria-label="Running operations" variant="compact">
      <Thead>
        <Tr>
          <Th modifier="wrap">Operation</Th>
          <Th modifier="wrap">Protection group</Th>
          <Th modifier="wrap">Site</Th>
          <Th modifier="wrap">Status</Th>
          <Th modifier="wrap">Progress</Th>
        </Tr>
      </Thead>
      <Tbody>
        {ops.map((o) => (
          <Tr key={`${o.site}/${o.id}`}>
            <Td dataLabel="Operation">
              <Link to={`/operations/${encodeURIComponent(o.site)}/${encodeURIComponent(o.id)}`}>{o.type}</Link>
            </Td>
            <Td dataLabel="Protection group">{o.protection_group ?? o.protection_group_id ?? '-'}</Td>
            <Td dataLabel="Site">{o.site}</Td>
            <Td dataLabel="Status">
              <StatusLabel value={o.status} />
            </Td>
            <Td dataLabel="Progress">
              <Progress
                value={o.steps_total > 0 ? (o.steps_done / o.steps_total) * 100 : 0}
                title={o.current_step ?? ''}
                measureLocation="outside"
                label={`${o.steps_done} of ${o.steps_total} steps`}
                valueText={`${o.steps_done} of ${o.steps_total} steps done${o.current_step ? `, now ${o.current_step}` : ''}`}
                aria-label={`${o.type} progress`}
                size="sm"
              />
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
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
              <Table aria-label="Readiness, worst first" variant="compact">
                <Thead>
                  <Tr>
                    <Th modifier="wrap">Protection group</Th>
                    <Th modifier="wrap">Status</Th>
                    <Th modifier="wrap">Failover ready</Th>
                    <Th modifier="wrap">Blockers</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {o.readiness.rows.map((r) => (
                    <Tr key={r.id}>
                      <Td dataLabel="Protection group">
                        <Link to={`/protection-groups/${encodeURIComponent(r.id)}`}>{r.name}</Link>
                      </Td>
                      <Td dataLabel="Status">
                        <StatusLabel value={r.status} />
                      </Td>
                      <Td dataLabel="Failover ready">
                        <Verdict ok={r.failover_ready} yes="ready" no="not ready" />
                      </Td>
                      <Td dataLabel="Blockers">{r.reasons.length === 0 ? 'none' : r.reasons.join('; ')}</Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            )}

            <Title headingLevel="h2" style={{ marginBlockStart: '1.5rem' }}>
              RPO compliance (last {o.rpo.window_hours} h)
            </Title>
            {o.rpo.rows.length === 0 ? (
              <Content component="p">No replication health to show.</Content>
            ) : (
              <Table aria-label="RPO compliance" variant="compact">
                <Thead>
                  <Tr>
                    <Th modifier="wrap">Protection group</Th>
                    <Th modifier="wrap">Lag now</Th>
                    <Th modifier="wrap">RPO</Th>
                    <Th modifier="wrap">Compliance</Th>
                    <Th modifier="wrap">Lag over time</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {o.rpo.rows.map((r) => (
                    <Tr key={r.id}>
                      <Td dataLabel="Protection group">{r.name}</Td>
                      <Td dataLabel="Lag now">{r.lag_seconds === null ? 'no recovery point yet' : duration(r.lag_seconds)}</Td>
                      <Td dataLabel="RPO">{r.rpo_minutes} min</Td>
                      <Td dataLabel="Compliance">
                        <Verdict ok={r.compliant} yes="compliant" no="not compliant" />
                      </Td>
                      <Td dataLabel="Lag over time">
                        {r.series_error ? r.series_error : <RpoChart name={r.name} series={r.series} rpoMinutes={r.rpo_minutes} from={o.rpo.from} to={o.rpo.to} hours={o.rpo.window_hours} />}
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
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
