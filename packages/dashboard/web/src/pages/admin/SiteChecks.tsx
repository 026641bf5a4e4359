import { Alert, Button, Spinner } from '@patternfly/react-core';
import { useState } from 'react';
import type { SiteValidationView, VolumeTypesView } from '../../../../src/shared/admin';
import { api, get, messageOf } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { Verdict } from '../../components/Verdict';
import { adminApi } from '../../domain/paths';

type Shown = { kind: 'validation'; v: SiteValidationView } | { kind: 'types'; v: VolumeTypesView } | { kind: 'error'; message: string } | { kind: 'busy' } | null;

/** Validate (each service checked with the stored credentials) and the eligible volume types, for one registration. */
export function SiteChecks({ site, id, name }: { site: string; id: string; name: string }) {
  const [shown, setShown] = useState<Shown>(null);
  const path = adminApi('sites', site, id);
  const load = async (f: () => Promise<Shown>) => {
    setShown({ kind: 'busy' });
    try {
      setShown(await f());
    } catch (err) {
      setShown({ kind: 'error', message: messageOf(err) });
    }
  };
  return (
    <div>
      <Button variant="secondary" size="sm" onClick={() => void load(async () => ({ kind: 'validation', v: await api<SiteValidationView>('POST', `${path}/validate`) }))}>
        Validate {name}
      </Button>{' '}
      <Button variant="secondary" size="sm" onClick={() => void load(async () => ({ kind: 'types', v: await get<VolumeTypesView>(`${path}/volume-types`) }))}>
        Volume types of {name}
      </Button>
      {shown?.kind === 'busy' && <Spinner size="md" aria-label={`Asking ${site} about ${name}`} />}
      {shown?.kind === 'error' && <Alert variant="danger" isInline title={shown.message} />}
      {shown?.kind === 'validation' && (
        <DataTable
          label={`Validation of ${name}`}
          rows={shown.v.validation.checks}
          rowKey={(c) => c.service}
          columns={[
            { title: 'Service', cell: (c) => c.service },
            { title: 'Result', cell: (c) => <Verdict ok={c.status === 'ok'} yes="pass" no="fail" /> },
            { title: 'Detail', cell: (c) => c.detail },
          ]}
        />
      )}
      {shown?.kind === 'types' &&
        (shown.v.volume_types.length === 0 ? (
          <p>No replicated volume type on {name}: members' volumes need one (replication_enabled and a replication_type).</p>
        ) : (
          <DataTable
            label={`Volume types of ${name}`}
            rows={shown.v.volume_types}
            rowKey={(t) => t.id}
            columns={[
              { title: 'Name', cell: (t) => t.name },
              { title: 'Replication', cell: (t) => t.replication_type },
              { title: 'ID', cell: (t) => t.id },
            ]}
          />
        ))}
    </div>
  );
}
