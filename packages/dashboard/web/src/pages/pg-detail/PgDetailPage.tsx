import { Alert, Breadcrumb, BreadcrumbItem, Content, PageSection, Tab, Tabs, TabTitleText, Title } from '@patternfly/react-core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import type { PgDetailView } from '../../../../src/shared/pg-detail';
import { get } from '../../api/client';
import { pollWhile } from '../../api/poll';
import { QueryState } from '../../components/QueryState';
import { StatusLabel } from '../../components/StatusLabel';
import { pgApi } from '../../domain/paths';
import { isBusy, pgKey } from './common';
import { MappingsTab } from './MappingsTab';
import { MembersTab } from './MembersTab';
import { MetadataTab } from './MetadataTab';
import { OperationsTab } from './OperationsTab';
import { OverviewTab } from './OverviewTab';
import { PolicyTab } from './PolicyTab';
import { RecoveryPointsTab } from './RecoveryPointsTab';

const TABS = [
  ['overview', 'Overview'],
  ['members', 'Members'],
  ['recovery-points', 'Recovery points'],
  ['mappings', 'Resource mappings'],
  ['policy', 'Policy'],
  ['operations', 'Operations'],
  ['metadata', 'Metadata'],
] as const;
type TabKey = (typeof TABS)[number][0];

function content(tab: TabKey, pg: string, d: PgDetailView) {
  switch (tab) {
    case 'overview':
      return <OverviewTab pg={pg} d={d} />;
    case 'members':
      return <MembersTab pg={pg} d={d} />;
    case 'recovery-points':
      return <RecoveryPointsTab d={d} />;
    case 'mappings':
      return <MappingsTab pg={pg} d={d} />;
    case 'policy':
      return <PolicyTab pg={pg} d={d} />;
    case 'operations':
      return <OperationsTab d={d} />;
    case 'metadata':
      return <MetadataTab pg={pg} d={d} />;
  }
}

/** One protection group: its state on both sites and everything in it, a tab per part (`?tab=`). */
export function PgDetailPage() {
  const pg = useParams().pg ?? '';
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab: TabKey = TABS.some(([k]) => k === asked) ? (asked as TabKey) : 'overview';
  const q = useQuery({
    queryKey: pgKey(pg),
    queryFn: () => get<PgDetailView>(pgApi(pg)),
    refetchInterval: (query) => pollWhile(isBusy(query.state.data)),
  });
  return (
    <PageSection>
      <Breadcrumb>
        <BreadcrumbItem>
          <Link to="/protection-groups">Protection groups</Link>
        </BreadcrumbItem>
        <BreadcrumbItem isActive>{q.data?.protection_group.name ?? pg}</BreadcrumbItem>
      </Breadcrumb>
      <Title headingLevel="h1">
        {q.data?.protection_group.name ?? pg} {q.data && <StatusLabel value={q.data.protection_group.status} />}
      </Title>
      <QueryState q={q} what={`protection group ${pg}`}>
        {(d) => (
          <>
            {d.protection_group.description && <Content component="p">{d.protection_group.description}</Content>}
            {d.metadata.stored && (
              <Alert variant="info" isInline isPlain title="Brought together on reading">
                {d.metadata.stored}
              </Alert>
            )}
            <Tabs activeKey={tab} onSelect={(_e, k) => setParams({ tab: String(k) })} aria-label="Protection group" mountOnEnter unmountOnExit>
              {TABS.map(([key, title]) => (
                <Tab key={key} eventKey={key} title={<TabTitleText>{title}</TabTitleText>}>
                  {tab === key && content(key, pg, d)}
                </Tab>
              ))}
            </Tabs>
          </>
        )}
      </QueryState>
    </PageSection>
  );
}
