import { Alert, PageSection, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useQuery } from '@tanstack/react-query';
import type { HealthView, SiteHealth } from '../../../src/shared/health';
import { get } from '../api/client';
import { pollEvery, POLL_SLOW_MS } from '../api/poll';
import { QueryState } from '../components/QueryState';
import { StatusLabel } from '../components/StatusLabel';
import { Verdict } from '../components/Verdict';
import { duration } from '../domain/duration';

/** One site's own health answer: per PG the link, lag against the RPO, and failover readiness with reasons. */
function SiteHealthTable({ s }: { s: SiteHealth }) {
  if (!s.health) {
    return (
      <Alert variant={s.logged_in ? 'danger' : 'info'} isInline title={`${s.name}: no health`}>
        {s.error}
      </Alert>
    );
  }
  if (s.health.length === 0) return <p>{s.name} has no protection group in this project.</p>;
  return (
    <Table aria-label={`Health on ${s.name}`} variant="compact">
      <Thead>
        <Tr>
          <Th modifier="wrap">Protection group</Th>
          <Th modifier="wrap">Status</Th>
          <Th modifier="wrap">Replication link</Th>
          <Th modifier="wrap">Lag</Th>
          <Th modifier="wrap">Newest recovery point</Th>
          <Th modifier="wrap">RPO</Th>
          <Th modifier="wrap">Failover ready</Th>
        </Tr>
      </Thead>
      <Tbody>
        {s.health.map((h) => (
          <Tr key={h.protection_group_id}>
            <Td dataLabel="Protection group">{h.name}</Td>
            <Td dataLabel="Status">
              <StatusLabel value={h.status} />
            </Td>
            <Td dataLabel="Replication link">{h.link === null ? 'no array construct yet' : <Verdict ok={h.link === 'connected'} yes={h.link} no={h.link} />}</Td>
            <Td dataLabel="Lag">{h.lag_seconds === null ? 'no recovery point yet' : duration(h.lag_seconds)}</Td>
            <Td dataLabel="Newest recovery point">{h.newest_recovery_point ?? '-'}{h.last_transfer_at ? ` (transferred ${new Date(h.last_transfer_at).toLocaleString()})` : ''}</Td>
            <Td dataLabel="RPO">
              {h.rpo_minutes} min <Verdict ok={h.rpo_compliant} yes="compliant" no="not compliant" />
            </Td>
            <Td dataLabel="Failover ready">
              <Verdict ok={h.failover_ready} yes="ready" no="not ready" />
              {h.reasons.length > 0 && (
                <ul>
                  {h.reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              )}
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}

export function HealthPage() {
  const q = useQuery({ queryKey: ['health'], queryFn: () => get<HealthView>('/api/health'), refetchInterval: pollEvery(POLL_SLOW_MS) });
  return (
    <PageSection>
      <Title headingLevel="h1">Health</Title>
      <QueryState q={q} what="the health">
        {(v) => (
          <>
            {v.sites.map((s) => (
              <section key={s.name} aria-label={`site ${s.name}`} style={{ marginBlockStart: '1rem' }}>
                <Title headingLevel="h2">
                  {s.name} <StatusLabel value={s.reachable ? 'up' : 'down'} />
                </Title>
                <SiteHealthTable s={s} />
              </section>
            ))}
          </>
        )}
      </QueryState>
    </PageSection>
  );
}
