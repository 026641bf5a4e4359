import { PageSection, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useQuery } from '@tanstack/react-query';
import type { PgListView } from '../../../src/shared/api';
import { get } from '../api/client';
import { pollWhile } from '../api/poll';
import { QueryState } from '../components/QueryState';
import { StatusLabel, TRANSITIONAL } from '../components/StatusLabel';

export function ProtectionGroupsPage() {
  const q = useQuery({
    queryKey: ['protection-groups'],
    queryFn: () => get<PgListView>('/api/protection-groups'),
    refetchInterval: (query) => pollWhile((query.state.data?.protection_groups ?? []).some((p) => TRANSITIONAL.has(p.status))),
  });
  return (
    <PageSection>
      <Title headingLevel="h1">Protection groups</Title>
      <QueryState q={q} what="the protection groups">
        {(v) => (
          <Table aria-label="Protection groups" variant="compact">
            <Thead>
              <Tr>
                <Th>Name</Th>
                <Th>Status</Th>
                <Th>Replication</Th>
                <Th>Active site</Th>
                <Th>Sync</Th>
              </Tr>
            </Thead>
            <Tbody>
              {v.protection_groups.map((p) => (
                <Tr key={p.id}>
                  <Td dataLabel="Name">{p.name}</Td>
                  <Td dataLabel="Status">
                    <StatusLabel value={p.status} />
                  </Td>
                  <Td dataLabel="Replication">{p.replication_type}</Td>
                  <Td dataLabel="Active site">{p.active_site ?? '-'}</Td>
                  <Td dataLabel="Sync">
                    <StatusLabel value={p.sync} />
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </QueryState>
    </PageSection>
  );
}
