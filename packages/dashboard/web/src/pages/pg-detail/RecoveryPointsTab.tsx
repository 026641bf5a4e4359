import { Alert, Content } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { PgDetailView } from '../../../../src/shared/pg-detail';
import { age, when } from './common';

/** Fully transferred recovery points, newest first: what a point-in-time failover or a drill can start from. */
export function RecoveryPointsTab({ d }: { d: PgDetailView }) {
  return (
    <>
      <Content component="p">
        Snapshots fully transferred to the other site{d.rpo.rpo_minutes !== null && `; the RPO target is ${d.rpo.rpo_minutes} min`}.
      </Content>
      {d.recovery_points_error && (
        <Alert variant="warning" isInline title="The recovery points could not be read">
          {d.recovery_points_error}
        </Alert>
      )}
      <Table aria-label="Recovery points" variant="compact">
        <Thead>
          <Tr>
            <Th>ID</Th>
            <Th>Kind</Th>
            <Th>Array</Th>
            <Th>Taken</Th>
            <Th>Age</Th>
            <Th>Volumes</Th>
          </Tr>
        </Thead>
        <Tbody>
          {d.recovery_points.map((r) => (
            <Tr key={r.id}>
              <Td dataLabel="ID">{r.id}</Td>
              <Td dataLabel="Kind">{r.kind}</Td>
              <Td dataLabel="Array">{r.array}</Td>
              <Td dataLabel="Taken">{when(r.created_at)}</Td>
              <Td dataLabel="Age">{age(r.age_seconds)}</Td>
              <Td dataLabel="Volumes">{r.volumes.length}</Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      {d.recovery_points.length === 0 && !d.recovery_points_error && <Content component="p">No recovery point yet: the first replication makes one.</Content>}
    </>
  );
}
