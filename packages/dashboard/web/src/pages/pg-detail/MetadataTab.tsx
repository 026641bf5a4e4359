import { Alert, Content } from '@patternfly/react-core';
import type { MetadataSyncAnswer, PgDetailView } from '../../../../src/shared/pg-detail';
import { api } from '../../api/client';
import { ActionButton } from '../../components/ActionButton';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusLabel } from '../../components/StatusLabel';
import { pgApi } from '../../domain/paths';
import { Section, unreachable, useChange } from './common';

/** Why no sync can run: it needs both sites, and something to bring together. */
function syncBlock(d: PgDetailView): string | null {
  const down = unreachable(d);
  if (down) return `${down}: a sync needs both sites`;
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
      <DataTable
        label="Metadata on each site"
        rows={sites}
        rowKey={(s) => s.site}
        columns={[
          { title: 'Site', cell: (s) => s.site },
          { title: 'Metadata version', cell: (s) => s.metadata_version ?? '-' },
          {
            title: 'Sync state',
            cell: (s) => (
              <>
                <StatusLabel value={s.sync} /> {s.error ?? ''}
              </>
            ),
          },
          { title: 'Status there', cell: (s) => (s.status ? <StatusLabel value={s.status} /> : '-') },
          { title: 'Running operation', cell: (s) => s.active_operation_id ?? '-' },
        ]}
      />
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
