import { Alert, Content } from '@patternfly/react-core';
import type { PgDetailView } from '../../../../src/shared/pg-detail';
import { DataTable } from '../../components/DataTable';
import { duration, when } from '../../domain/time';

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
      <DataTable
        label="Recovery points"
        rows={d.recovery_points}
        rowKey={(r) => r.id}
        columns={[
          { title: 'ID', cell: (r) => r.id },
          { title: 'Kind', cell: (r) => r.kind },
          { title: 'Array', cell: (r) => r.array },
          { title: 'Taken', cell: (r) => when(r.created_at) },
          { title: 'Age', cell: (r) => duration(r.age_seconds) },
          { title: 'Volumes', cell: (r) => r.volumes.length },
        ]}
      />
      {d.recovery_points.length === 0 && !d.recovery_points_error && <Content component="p">No recovery point yet: the first replication makes one.</Content>}
    </>
  );
}
