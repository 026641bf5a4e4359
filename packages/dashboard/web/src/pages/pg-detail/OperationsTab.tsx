import { Content } from '@patternfly/react-core';
import { Link } from 'react-router';
import type { PgDetailView } from '../../../../src/shared/pg-detail';
import { DataTable } from '../../components/DataTable';
import { StatusLabel } from '../../components/StatusLabel';
import { operationPath } from '../../domain/paths';
import { when } from '../../domain/time';

/** Both sites' operations on this PG, newest first; each opens on its own site's operation page. */
export function OperationsTab({ d }: { d: PgDetailView }) {
  const unread = d.metadata.sites.filter((s) => !s.reachable).map((s) => s.site);
  return (
    <>
      {unread.length > 0 && <Content component="p">Not listed: operations on {unread.join(' and ')}, which did not answer.</Content>}
      <DataTable
        label="Operations"
        rows={d.operations}
        rowKey={(o) => `${o.site}/${o.id}`}
        columns={[
          { title: 'Operation', cell: (o) => <Link to={operationPath(o.site, o.id)}>{o.id}</Link> },
          { title: 'Type', cell: (o) => o.type },
          { title: 'Status', cell: (o) => <StatusLabel value={o.status} /> },
          { title: 'Site', cell: (o) => o.site },
          { title: 'Progress', cell: (o) => `${o.progress}%` },
          { title: 'Started', cell: (o) => when(o.started_at ?? o.created_at) },
          { title: 'Finished', cell: (o) => when(o.finished_at) },
          { title: 'Error', cell: (o) => o.error ?? '' },
        ]}
      />
      {d.operations.length === 0 && <Content component="p">No operation has run on this protection group.</Content>}
    </>
  );
}
