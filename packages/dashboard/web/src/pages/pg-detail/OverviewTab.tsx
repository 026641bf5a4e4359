import { Content, Label } from '@patternfly/react-core';
import { Link } from 'react-router';
import type { PgDetailView, SyncNowAnswer } from '../../../../src/shared/pg-detail';
import { api } from '../../api/client';
import { ActionButton } from '../../components/ActionButton';
import { DetailList } from '../../components/DetailList';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusLabel } from '../../components/StatusLabel';
import { Verdict } from '../../components/Verdict';
import { pgApi, pgPath } from '../../domain/paths';
import { duration, when } from '../../domain/time';
import { OperationStarted, Section, useChange } from './common';

/** Why replicate-now cannot run: protector-api takes it on an active or failed-over PG, on the site running the workload. */
function syncNowBlock(d: PgDetailView): string | null {
  const status = d.protection_group.status;
  if (status !== 'active' && status !== 'failed_over') return `replication needs the protection group active or failed_over (it is ${status})`;
  const running = d.metadata.sites.find((s) => s.site === d.protection_group.active_site);
  if (!running?.reachable) return `${d.protection_group.active_site ?? 'the site running the workload'} does not answer`;
  return null;
}

function Rpo({ d }: { d: PgDetailView }) {
  const { rpo_minutes, lag_seconds, within_rpo } = d.rpo;
  if (lag_seconds === null) return <>no recovery point yet{rpo_minutes !== null && `; RPO target ${rpo_minutes} min`}</>;
  return (
    <>
      {d.protection_group.replication_type === 'sync' && lag_seconds === 0 ? 'synchronous: no lag' : `lag ${duration(lag_seconds)}`}
      {rpo_minutes !== null && `, RPO target ${rpo_minutes} min `}
      {within_rpo !== null && <Verdict ok={within_rpo} yes="within RPO" no="RPO missed" />}
    </>
  );
}

export function OverviewTab({ pg, d }: { pg: string; d: PgDetailView }) {
  const p = d.protection_group;
  const last = d.recovery_points[0] ?? null;
  const syncNow = useChange(pg, () => api<SyncNowAnswer>('POST', pgApi(pg, '/sync-now')));
  return (
    <>
      <DetailList
        label="Overview details"
        items={[
          ['Status', <StatusLabel value={p.status} />],
          ['Replication', p.replication_type],
          ['Active site', p.active_site ?? 'unknown'],
          ['Sites', `primary ${p.primary_site ?? '-'}, secondary ${p.secondary_site ?? '-'}`],
          [
            'Metadata',
            d.metadata.sites.map((s) => (
              <div key={s.site}>
                {s.site}: <StatusLabel value={s.sync} /> {s.metadata_version === null ? '' : `version ${s.metadata_version}`}
              </div>
            )),
          ],
          ['Last recovery point', last ? `${when(last.created_at)} (${duration(last.age_seconds)} ago)` : 'none yet'],
          ['Lag', <Rpo d={d} />],
          ['Members', d.members.length],
          d.missing_mappings.length > 0 && [
            'Mappings',
            <>
              <Label color="orange" isCompact>
                {d.missing_mappings.length} missing
              </Label>{' '}
              <Link to="?tab=mappings">see Resource mappings</Link>
            </>,
          ],
        ]}
      />
      <Section title="Actions">
        <div style={{ marginBlockEnd: 'var(--pf-t--global--spacer--sm)' }}>
          {/* A link styled as PatternFly's primary button: it navigates, it does not act. */}
          <Link className="pf-v6-c-button pf-m-primary" to={pgPath(pg, '/dr')}>
            Run a DR action
          </Link>{' '}
          <Content component="small">Fail over, fail back, or run a drill and clean it up, each pre-checked first.</Content>
        </div>
        <ActionButton label="Sync now" does="Take a snapshot now and replicate it to the other site: a new recovery point." blocked={syncNowBlock(d)} isLoading={syncNow.isPending} onClick={() => syncNow.mutate(undefined)} />
        <ErrorAlert error={syncNow.error} title="Replication was not started" />
        {syncNow.data && <OperationStarted a={syncNow.data} what="Replication" />}
      </Section>
    </>
  );
}
