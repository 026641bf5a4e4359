import { ActionGroup, Button, ExpandableSection, Form, FormGroup, FormSelect, FormSelectOption, PageSection, TextInput, Title } from '@patternfly/react-core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { TenantMapping } from '@protector/contract';
import type { AdminSitesView, AdminTenantMappingsView, TenantMappingInput } from '../../../../src/shared/admin';
import { api, get } from '../../api/client';
import { pollEvery, POLL_SLOW_MS } from '../../api/poll';
import { ConfirmModal } from '../../components/ConfirmModal';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PerSiteLists } from '../../components/PerSiteLists';
import { QueryState } from '../../components/QueryState';
import { adminApi } from '../../domain/paths';
import { AdminOnly } from './AdminOnly';

/** Mapping a local project to its project on the peer (the CLI's `tenant-mapping create`): checked in the peer's Keystone first. */
function CreateMappingForm({ sites, onDone }: { sites: AdminSitesView['sites']; onDone: () => void }) {
  const usable = sites.filter((s) => s.items !== null);
  const [site, setSite] = useState(usable[0]?.site ?? '');
  const peers = (usable.find((s) => s.site === site)?.items ?? []).filter((r) => !r.is_local);
  const [f, setF] = useState({ local_project_id: '', remote_site: '', remote_project_id: '', description: '' });
  const remote = f.remote_site || peers[0]?.id || '';
  const create = useMutation({
    mutationFn: (body: TenantMappingInput) => api('POST', '/api/admin/tenant-mappings', body),
    onSuccess: () => {
      setF({ local_project_id: '', remote_site: '', remote_project_id: '', description: '' });
      onDone();
    },
  });
  const submit = () => create.mutate({ site, local_project_id: f.local_project_id, remote_site: remote, remote_project_id: f.remote_project_id, description: f.description || undefined });
  return (
    <Form aria-label="Create a tenant mapping" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <ErrorAlert error={create.error} title="The tenant mapping was not created" />
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
        <Button type="submit" variant="primary" isLoading={create.isPending} isDisabled={create.isPending || site === '' || remote === ''}>
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
            <PerSiteLists sites={v.sites} heading={(site) => `Stored on ${site}`}>
              {(items, site) =>
                items.length === 0 ? (
                  <p>None yet.</p>
                ) : (
                  <DataTable
                    label={`Tenant mappings on ${site}`}
                    rows={items}
                    rowKey={(m) => m.id}
                    columns={[
                      { title: 'Local project', cell: (m) => m.local_project_id },
                      { title: 'Remote site', cell: (m) => siteName(site, m.remote_site_id) },
                      { title: 'Remote project', cell: (m) => m.remote_project_id },
                      { title: 'Description', cell: (m) => m.description || '-' },
                      {
                        title: 'Delete',
                        hideTitle: true,
                        cell: (m) => (
                          <Button variant="link" isDanger aria-label={`Delete mapping of ${m.local_project_id} on ${site}`} onClick={() => setDeleting({ site, m })}>
                            Delete
                          </Button>
                        ),
                      },
                    ]}
                  />
                )
              }
            </PerSiteLists>
            {sites.data && (
              <ExpandableSection toggleText="Create a tenant mapping" style={{ marginBlockStart: '1.5rem' }}>
                <CreateMappingForm sites={sites.data.sites} onDone={() => void q.refetch()} />
              </ExpandableSection>
            )}
          </>
        )}
      </QueryState>
      {deleting && (
        <ConfirmModal
          title={`Delete the mapping of project ${deleting.m.local_project_id} on ${deleting.site}?`}
          failed="Nothing was deleted"
          onConfirm={async () => {
            await api('DELETE', adminApi('tenant-mappings', deleting.site, deleting.m.id));
            await q.refetch();
          }}
          onClose={() => setDeleting(null)}
        >
          <p>{`${deleting.site}'s Protector no longer maps project ${deleting.m.local_project_id} to ${deleting.m.remote_project_id}; the other site must answer first.`}</p>
        </ConfirmModal>
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
