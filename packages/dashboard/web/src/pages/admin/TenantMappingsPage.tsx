import { ActionGroup, Alert, Button, ExpandableSection, Form, FormGroup, FormSelect, FormSelectOption, PageSection, TextInput, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { TenantMapping } from '@protector/contract';
import type { AdminSitesView, AdminTenantMappingsView, TenantMappingInput } from '../../../../src/shared/admin';
import { api, get, messageOf } from '../../api/client';
import { pollEvery, POLL_SLOW_MS } from '../../api/poll';
import { QueryState } from '../../components/QueryState';
import { AdminOnly } from './AdminOnly';
import { ConfirmDelete } from './ConfirmDelete';

/** Mapping a local project to its project on the peer (the CLI's `tenant-mapping create`): checked in the peer's Keystone first. */
function CreateMappingForm({ sites, onDone }: { sites: AdminSitesView['sites']; onDone: () => void }) {
  const usable = sites.filter((s) => s.items !== null);
  const [site, setSite] = useState(usable[0]?.site ?? '');
  const peers = (usable.find((s) => s.site === site)?.items ?? []).filter((r) => !r.is_local);
  const [f, setF] = useState({ local_project_id: '', remote_site: '', remote_project_id: '', description: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remote = f.remote_site || peers[0]?.id || '';
  const submit = async () => {
    setBusy(true);
    setError(null);
    const body: TenantMappingInput = { site, local_project_id: f.local_project_id, remote_site: remote, remote_project_id: f.remote_project_id, description: f.description || undefined };
    try {
      await api('POST', '/api/admin/tenant-mappings', body);
      setF({ local_project_id: '', remote_site: '', remote_project_id: '', description: '' });
      onDone();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form aria-label="Create a tenant mapping" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      {error && <Alert variant="danger" isInline title="The tenant mapping was not created">{error}</Alert>}
      <FormGroup label="Store on" fieldId="tm-site" isRequired>
        <FormSelect id="tm-site" value={site} onChange={(_e, v) => { setSite(v); setF({ ...f, remote_site: '' }); }}>
          {usable.map((s) => (
            <FormSelectOption key={s.site} value={s.site} label={`${s.site}'s Protector`} />
          ))}
        </FormSelect>
      </FormGroup>
      <FormGroup label="Local project ID" fieldId="tm-local" isRequired>
        <TextInput id="tm-local" isRequired value={f.local_project_id} onChange={(_e, v) => setF({ ...f, local_project_id: v })} />
      </FormGroup>
      <FormGroup label="Remote site" fieldId="tm-remote-site" isRequired>
        <FormSelect id="tm-remote-site" value={remote} onChange={(_e, v) => setF({ ...f, remote_site: v })}>
          {peers.map((r) => (
            <FormSelectOption key={r.id} value={r.id} label={r.name} />
          ))}
        </FormSelect>
      </FormGroup>
      <FormGroup label="Remote project ID" fieldId="tm-remote-project" isRequired>
        <TextInput id="tm-remote-project" isRequired value={f.remote_project_id} onChange={(_e, v) => setF({ ...f, remote_project_id: v })} />
      </FormGroup>
      <FormGroup label="Description" fieldId="tm-description">
        <TextInput id="tm-description" value={f.description} onChange={(_e, v) => setF({ ...f, description: v })} />
      </FormGroup>
      <ActionGroup>
        <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy || site === '' || remote === ''}>
          Create
        </Button>
      </ActionGroup>
    </Form>
  );
}

function TenantMappings() {
  const q = useQuery({ queryKey: ['admin', 'tenant-mappings'], queryFn: () => get<AdminTenantMappingsView>('/api/admin/tenant-mappings'), refetchInterval: pollEvery(POLL_SLOW_MS) });
  const sites = useQuery({ queryKey: ['admin', 'sites'], queryFn: () => get<AdminSitesView>('/api/admin/sites') });
  const [deleting, setDeleting] = useState<{ site: string; m: TenantMapping } | null>(null);
  const siteName = (site: string, id: string) => sites.data?.sites.find((s) => s.site === site)?.items?.find((r) => r.id === id)?.name ?? id;
  return (
    <PageSection>
      <Title headingLevel="h1">Tenant mappings</Title>
      <p>Which project on the peer site a local project fails over to, as each site's Protector stores it.</p>
      <QueryState q={q} what="the tenant mappings">
        {(v) => (
          <>
            {v.sites.map((s) => (
              <section key={s.site} aria-label={`Stored on ${s.site}`} style={{ marginBlockStart: '1rem' }}>
                <Title headingLevel="h2">Stored on {s.site}</Title>
                {s.error && <Alert variant={s.error.code === 'forbidden' ? 'warning' : 'danger'} isInline title={s.error.message} />}
                {s.items?.length === 0 && <p>None yet.</p>}
                {s.items && s.items.length > 0 && (
                  <Table aria-label={`Tenant mappings on ${s.site}`} variant="compact">
                    <Thead>
                      <Tr>
                        <Th modifier="wrap">Local project</Th>
                        <Th modifier="wrap">Remote site</Th>
                        <Th modifier="wrap">Remote project</Th>
                        <Th modifier="wrap">Description</Th>
                        <Th screenReaderText="Delete" />
                      </Tr>
                    </Thead>
                    <Tbody>
                      {s.items.map((m) => (
                        <Tr key={m.id}>
                          <Td dataLabel="Local project">{m.local_project_id}</Td>
                          <Td dataLabel="Remote site">{siteName(s.site, m.remote_site_id)}</Td>
                          <Td dataLabel="Remote project">{m.remote_project_id}</Td>
                          <Td dataLabel="Description">{m.description || '-'}</Td>
                          <Td>
                            <Button variant="link" isDanger aria-label={`Delete mapping of ${m.local_project_id} on ${s.site}`} onClick={() => setDeleting({ site: s.site, m })}>
                              Delete
                            </Button>
                          </Td>
                        </Tr>
                      ))}
                    </Tbody>
                  </Table>
                )}
              </section>
            ))}
            {sites.data && (
              <ExpandableSection toggleText="Create a tenant mapping" style={{ marginBlockStart: '1.5rem' }}>
                <CreateMappingForm sites={sites.data.sites} onDone={() => void q.refetch()} />
              </ExpandableSection>
            )}
          </>
        )}
      </QueryState>
      {deleting && (
        <ConfirmDelete
          what={`the mapping of project ${deleting.m.local_project_id} on ${deleting.site}`}
          detail={`${deleting.site}'s Protector no longer maps project ${deleting.m.local_project_id} to ${deleting.m.remote_project_id}; the other site must answer first.`}
          onDelete={async () => {
            await api('DELETE', `/api/admin/tenant-mappings/${encodeURIComponent(deleting.site)}/${encodeURIComponent(deleting.m.id)}`);
            await q.refetch();
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </PageSection>
  );
}

export function TenantMappingsPage() {
  return (
    <AdminOnly>
      <TenantMappings />
    </AdminOnly>
  );
}
