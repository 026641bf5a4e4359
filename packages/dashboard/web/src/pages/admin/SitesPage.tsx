import { Alert, Button, ExpandableSection, PageSection, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Site } from '@protector/contract';
import type { AdminSitesView } from '../../../../src/shared/admin';
import { api, get } from '../../api/client';
import { pollEvery, POLL_SLOW_MS } from '../../api/poll';
import { QueryState } from '../../components/QueryState';
import { AdminOnly } from './AdminOnly';
import { ConfirmDelete } from './ConfirmDelete';
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
            {v.sites.map((s) => (
              <section key={s.site} aria-label={`Registered on ${s.site}`} style={{ marginBlockStart: '1rem' }}>
                <Title headingLevel="h2">Registered on {s.site}</Title>
                {s.error && <Alert variant={s.error.code === 'forbidden' ? 'warning' : 'danger'} isInline title={s.error.message} />}
                {s.items && (
                  <Table aria-label={`Sites registered on ${s.site}`} variant="compact">
                    <Thead>
                      <Tr>
                        <Th modifier="wrap">Name</Th>
                        <Th modifier="wrap">Local</Th>
                        <Th modifier="wrap">Keystone</Th>
                        <Th modifier="wrap">Array</Th>
                        <Th modifier="wrap">Paired</Th>
                        <Th modifier="wrap">Checks</Th>
                        <Th screenReaderText="Delete" />
                      </Tr>
                    </Thead>
                    <Tbody>
                      {s.items.map((r) => (
                        <Tr key={r.id}>
                            <Td dataLabel="Name">{r.name}</Td>
                            <Td dataLabel="Local">{r.is_local ? 'yes' : 'no'}</Td>
                            <Td dataLabel="Keystone">
                              {r.auth_url} ({r.region_name})
                            </Td>
                            <Td dataLabel="Array">{r.array.name}</Td>
                            <Td dataLabel="Paired">{r.is_local ? '-' : r.paired ? 'yes' : 'no'}</Td>
                            <Td dataLabel="Checks">
                              <SiteChecks site={s.site} id={r.id} name={r.name} />
                            </Td>
                            <Td>
                              <Button variant="link" isDanger onClick={() => setDeleting({ site: s.site, reg: r })}>
                                Delete {r.name}
                              </Button>
                            </Td>
                          </Tr>
                      ))}
                    </Tbody>
                  </Table>
                )}
              </section>
            ))}
            <ExpandableSection toggleText="Register a site" style={{ marginBlockStart: '1.5rem' }}>
              <RegisterSiteForm sites={v.sites.filter((s) => s.items !== null).map((s) => s.site)} onDone={() => void q.refetch()} />
            </ExpandableSection>
          </>
        )}
      </QueryState>
      {deleting && (
        <ConfirmDelete
          what={`the registration of ${deleting.reg.name} on ${deleting.site}`}
          detail={`${deleting.site}'s Protector forgets ${deleting.reg.name} and its stored credentials; the other site must answer first.`}
          onDelete={async () => {
            await api('DELETE', `/api/admin/sites/${encodeURIComponent(deleting.site)}/${encodeURIComponent(deleting.reg.id)}`);
            await q.refetch();
          }}
          onClose={() => setDeleting(null)}
        />
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
