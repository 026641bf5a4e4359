import { Content } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { Link } from 'react-router';
import type { PgDetailView } from '../../../../src/shared/pg-detail';
import { StatusLabel } from '../../components/StatusLabel';
import { when } from './common';

/** Both sites' operations on this PG, newest first; each opens on its own site's operation page. */
export function OperationsTab({ d }: { d: PgDetailView }) {
  const unread = d.metadata.sites.filter((s) => !s.reachable).map((s) => s.site);
  return (
    <>
      {unread.length > 0 && <Content component="p">Not listed: operations on {unread.join(' and ')}, which did not answer.</Content>}
      <Table aria-label="Operations" variant="compact">
        <Thead>
          <Tr>
            <Th>Operation</Th>
            <Th>Type</Th>
            <Th>Status</Th>
            <Th>Site</Th>
            <Th>Progress</Th>
            <Th>Started</Th>
            <Th>Finished</Th>
            <Th>Error</Th>
          </Tr>
        </Thead>
        <Tbody>
          {d.operations.map((o) => (
            <Tr key={`${o.site}/${o.id}`}>
              <Td dataLabel="Operation">
                <Link to={`/operations/${encodeURIComponent(o.site)}/${encodeURIComponent(o.id)}`}>{o.id}</Link>
              </Td>
              <Td dataLabel="Type">{o.type}</Td>
              <Td dataLabel="Status">
                <StatusLabel value={o.status} />
              </Td>
              <Td dataLabel="Site">{o.site}</Td>
              <Td dataLabel="Progress">{o.progress}%</Td>
              <Td dataLabel="Started">{when(o.started_at ?? o.created_at)}</Td>
              <Td dataLabel="Finished">{when(o.finished_at)}</Td>
              <Td dataLabel="Error">{o.error ?? ''}</Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      {d.operations.length === 0 && <Content component="p">No operation has run on this protection group.</Content>}
    </>
  );
}
