import { Card, CardBody, CardTitle, Gallery, PageSection, Title } from '@patternfly/react-core';
import { useQuery } from '@tanstack/react-query';
import type { OverviewView } from '../../../src/shared/api';
import { get } from '../api/client';
import { pollEvery, POLL_SLOW_MS } from '../api/poll';
import { QueryState } from '../components/QueryState';
import { StatusLabel } from '../components/StatusLabel';

export function OverviewPage() {
  const q = useQuery({ queryKey: ['overview'], queryFn: () => get<OverviewView>('/api/overview'), refetchInterval: pollEvery(POLL_SLOW_MS) });
  return (
    <PageSection>
      <Title headingLevel="h1">Overview</Title>
      <QueryState q={q} what="the overview">
        {(o) => (
          <Gallery hasGutter minWidths={{ default: '260px' }}>
            {o.sites.map((s) => (
              <Card key={s.name} aria-label={`site ${s.name}`}>
                <CardTitle>{s.name}</CardTitle>
                <CardBody>
                  <StatusLabel value={s.reachable ? 'up' : 'down'} /> {s.error ?? 'answering'}
                </CardBody>
              </Card>
            ))}
            <Card aria-label="protection groups">
              <CardTitle>Protection groups</CardTitle>
              <CardBody>
                {o.protection_groups.total} in all, {o.protection_groups.out_of_sync} not IN SYNC
                <ul>
                  {Object.entries(o.protection_groups.by_status).map(([k, n]) => (
                    <li key={k}>
                      <StatusLabel value={k} /> {n}
                    </li>
                  ))}
                </ul>
              </CardBody>
            </Card>
          </Gallery>
        )}
      </QueryState>
    </PageSection>
  );
}
