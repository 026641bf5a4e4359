import { Alert, PageSection, Title } from '@patternfly/react-core';
import { useQuery } from '@tanstack/react-query';
import type { PgHealth } from '@protector/contract';
import type { HealthView, SiteHealth } from '../../../src/shared/health';
import { get } from '../api/client';
import { pollEvery, POLL_SLOW_MS } from '../api/poll';
import { DataTable } from '../components/DataTable';
import { QueryState } from '../components/QueryState';
import { StatusLabel } from '../components/StatusLabel';
import { Verdict } from '../components/Verdict';
import { duration, when } from '../domain/time';

/** How old the replication state the answer comes from is (the engine reads the arrays in the background). */
function StateAge({ h }: { h: PgHealth }) {
  if (h.checked_at === null) return <>not yet</>;
  return (
    <>
      {duration(h.state_age_seconds)} ago {h.stale && <Verdict ok={false} yes="" no="stale" />}
      {h.transfer_in_progress && <> (transfer in progress)</>}
    </>
  );
}

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
    <DataTable
      label={`Health on ${s.name}`}
      rows={s.health}
      rowKey={(h) => h.protection_group_id}
      columns={[
        { title: 'Protection group', cell: (h) => h.name },
        { title: 'Status', cell: (h) => <StatusLabel value={h.status} /> },
        { title: 'Replication link', cell: (h) => (h.link === null ? 'unknown (see the reasons)' : <Verdict ok={h.link === 'connected'} yes={h.link} no={h.link} />) },
        { title: 'Lag', cell: (h) => (h.lag_seconds === null ? 'no recovery point yet' : duration(h.lag_seconds)) },
        { title: 'Newest recovery point', cell: (h) => `${h.newest_recovery_point ?? '-'}${h.last_transfer_at ? ` (transferred ${when(h.last_transfer_at)})` : ''}` },
        { title: 'Read from the arrays', cell: (h) => <StateAge h={h} /> },
        {
          title: 'RPO',
          cell: (h) => (
            <>
              {h.rpo_minutes} min <Verdict ok={h.rpo_compliant} yes="compliant" no="not compliant" />
            </>
          ),
        },
        {
          title: 'Failover ready',
          cell: (h) => (
            <>
              <Verdict ok={h.failover_ready} yes="ready" no="not ready" />
              {h.reasons.length > 0 && (
                <ul>
                  {h.reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              )}
            </>
          ),
        },
      ]}
    />
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
