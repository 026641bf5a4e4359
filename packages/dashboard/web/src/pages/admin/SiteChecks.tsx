import { Alert, Button, Spinner } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import type { SiteValidationView, VolumeTypesView } from '../../../../src/shared/admin';
import { api, get, messageOf } from '../../api/client';
import { Verdict } from '../../components/Verdict';

type Shown = { kind: 'validation'; v: SiteValidationView } | { kind: 'types'; v: VolumeTypesView } | { kind: 'error'; message: string } | { kind: 'busy' } | null;

/** Validate (each service checked with the stored credentials) and the eligible volume types, for one registration. */
export function SiteChecks({ site, id, name }: { site: string; id: string; name: string }) {
  const [shown, setShown] = useState<Shown>(null);
  const path = `/api/admin/sites/${encodeURIComponent(site)}/${encodeURIComponent(id)}`;
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
        <Table aria-label={`Validation of ${name}`} variant="compact">
          <Thead>
            <Tr>
              <Th modifier="wrap">Service</Th>
              <Th modifier="wrap">Result</Th>
              <Th modifier="wrap">Detail</Th>
            </Tr>
          </Thead>
          <Tbody>
            {shown.v.validation.checks.map((c) => (
              <Tr key={c.service}>
                <Td dataLabel="Service">{c.service}</Td>
                <Td dataLabel="Result">
                  <Verdict ok={c.status === 'ok'} yes="pass" no="fail" />
                </Td>
                <Td dataLabel="Detail">{c.detail}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {shown?.kind === 'types' &&
        (shown.v.volume_types.length === 0 ? (
          <p>No replicated volume type on {name}: members' volumes need one (replication_enabled and a replication_type).</p>
        ) : (
          <Table aria-label={`Volume types of ${name}`} variant="compact">
            <Thead>
              <Tr>
                <Th modifier="wrap">Name</Th>
                <Th modifier="wrap">Replication</Th>
                <Th modifier="wrap">ID</Th>
              </Tr>
            </Thead>
            <Tbody>
              {shown.v.volume_types.map((t) => (
                <Tr key={t.id}>
                  <Td dataLabel="Name">{t.name}</Td>
                  <Td dataLabel="Replication">{t.replication_type}</Td>
                  <Td dataLabel="ID">{t.id}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        ))}
    </div>
  );
}
