import { Button, ExpandableSection, PageSection, Title } from '@patternfly/react-core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Site } from '@protector/contract';
import type { AdminSitesView } from '../../../../src/shared/admin';
import { api, get } from '../../api/client';
import { pollEvery, POLL_SLOW_MS } from '../../api/poll';
import { ConfirmModal } from '../../components/ConfirmModal';
import { DataTable } from '../../components/DataTable';
import { PerSiteLists } from '../../components/PerSiteLists';
import { QueryState } from '../../components/QueryState';
import { adminApi } from '../../domain/paths';
import { AdminOnly } from './AdminOnly';
import { RegisterSiteForm } from './RegisterSiteForm';
import { SiteChecks } from './SiteChecks';

function Sites() {
  const q = useQuery({ queryKey: ['admin', 'sites'], queryFn: () => get<AdminSitesView>('/api/admin/sites'), refetchInterval: pollEvery(POLL_SLOW_MS) });
  const [deleting, setDeleting] = useState<{ site: string; reg: Site } | null>(null);
  return (
    <PageSection>
      <Title headingLevel="h1">Sites</Title>
      <p>The sites each Protector service of the pair has registered: itself (local) and its peer, with the service credentials it uses there.</p>
      <QueryState q={q} what="the registered sites">
        {(v) => (
          <>
            <PerSiteLists sites={v.sites} heading={(site) => `Registered on ${site}`}>
              {(items, site) => (
                <DataTable
                  label={`Sites registered on ${site}`}
                  rows={items}
                  rowKey={(r) => r.id}
                  columns={[
                    { title: 'Name', cell: (r) => r.name },
                    { title: 'Local', cell: (r) => (r.is_local ? 'yes' : 'no') },
                    { title: 'Keystone', cell: (r) => `${r.auth_url} (${r.region_name})` },
                    { title: 'Array', cell: (r) => r.array.name },
                    { title: 'Paired', cell: (r) => (r.is_local ? '-' : r.paired ? 'yes' : 'no') },
                    { title: 'Checks', cell: (r) => <SiteChecks site={site} id={r.id} name={r.name} /> },
                    {
                      title: 'Delete',
                      hideTitle: true,
                      cell: (r) => (
                        <Button variant="link" isDanger onClick={() => setDeleting({ site, reg: r })}>
                          Delete {r.name}
                        </Button>
                      ),
                    },
                  ]}
                />
              )}
            </PerSiteLists>
            <ExpandableSection toggleText="Register a site" style={{ marginBlockStart: '1.5rem' }}>
              <RegisterSiteForm sites={v.sites.filter((s) => s.items !== null).map((s) => s.site)} onDone={() => void q.refetch()} />
            </ExpandableSection>
          </>
        )}
      </QueryState>
      {deleting && (
        <ConfirmModal
          title={`Delete the registration of ${deleting.reg.name} on ${deleting.site}?`}
          failed="Nothing was deleted"
          onConfirm={async () => {
            await api('DELETE', adminApi('sites', deleting.site, deleting.reg.id));
            await q.refetch();
          }}
          onClose={() => setDeleting(null)}
        >
          <p>{`${deleting.site}'s Protector forgets ${deleting.reg.name} and its stored credentials; the other site must answer first.`}</p>
        </ConfirmModal>
      )}
    </PageSection>
  );
}

export function SitesPage() {
  return (
    <AdminOnly>
      <Sites />
    </AdminOnly>
  );
}
