import { Alert, Content } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { MetadataSyncAnswer, PgDetailView } from '../../../../src/shared/pg-detail';
import { api } from '../../api/client';
import { StatusLabel } from '../../components/StatusLabel';
import { ActionButton, ErrorAlert, pgApi, Section, useChange } from './common';

/** Why no sync can run: it needs both sites, and something to bring together. */
function syncBlock(d: PgDetailView): string | null {
  const down = d.metadata.sites.find((s) => !s.reachable);
  if (down) return `${down.site} ${down.logged_in ? 'does not answer' : 'is not logged in'}: a sync needs both sites`;
  if (d.metadata.state === 'in_sync') return `both sites already hold version ${d.protection_group.metadata_version}`;
  return null;
}

/**
 * Each site's copy of the PG's document and where they stand; Sync brings them together. When
 * both changed, only an explicit choice of the winning copy does (never merged silently).
 */
export function MetadataTab({ pg, d }: { pg: string; d: PgDetailView }) {
  const sync = useChange(pg, (source_site: string | null) => api<MetadataSyncAnswer>('POST', pgApi(pg, '/metadata/sync'), source_site ? { source_site } : {}));
  const blocked = syncBlock(d);
  const sites = d.metadata.sites;
  const top = Math.max(0, ...sites.map((s) => s.metadata_version ?? 0));
  return (
    <>
      <Table aria-label="Metadata on each site" variant="compact">
        <Thead>
          <Tr>
            <Th>Site</Th>
            <Th>Metadata version</Th>
            <Th>Sync state</Th>
            <Th>Status there</Th>
            <Th>Running operation</Th>
          </Tr>
        </Thead>
        <Tbody>
          {sites.map((s) => (
            <Tr key={s.site}>
              <Td dataLabel="Site">{s.site}</Td>
              <Td dataLabel="Metadata version">{s.metadata_version ?? '-'}</Td>
              <Td dataLabel="Sync state">
                <StatusLabel value={s.sync} /> {s.error ?? ''}
              </Td>
              <Td dataLabel="Status there">{s.status ? <StatusLabel value={s.status} /> : '-'}</Td>
              <Td dataLabel="Running operation">{s.active_operation_id ?? '-'}</Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <Content component="p">
        <StatusLabel value={d.metadata.sync} /> {d.metadata.summary}
      </Content>
      <Section title="Sync">
        <ActionButton
          label="Sync"
          does="The newer copy is stored on the other site; refused when both sites changed it."
          blocked={blocked ?? (d.metadata.state === 'diverged' ? 'both sites changed it: choose the copy that wins below' : null)}
          isLoading={sync.isPending && sync.variables === null}
          onClick={() => sync.mutate(null)}
        />
        {sites.map((s) => {
          const other = sites.find((x) => x !== s)?.site ?? 'the other site';
          return (
            <ActionButton
              key={s.site}
              label={`Sync from ${s.site}`}
              does={`${s.site}'s copy (version ${s.metadata_version ?? '-'}) wins: it is stored on ${other}, and both then hold version ${top + 1}. What only ${other} changed is lost.`}
              blocked={blocked}
              isLoading={sync.isPending && sync.variables === s.site}
              onClick={() => sync.mutate(s.site)}
            />
          );
        })}
        <ErrorAlert error={sync.error} title="The copies were not synced" />
        {sync.data && (
          <Alert variant="success" isInline title="Synced">
            {sync.data.from} → {sync.data.to}: both hold version {sync.data.version}
          </Alert>
        )}
      </Section>
    </>
  );
}
