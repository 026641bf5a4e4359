import { Bullseye, Spinner } from '@patternfly/react-core';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { BrowserRouter, Route, Routes } from 'react-router';
import type { DashboardConfig } from '../../src/shared/api';
import { get } from './api/client';
import { SessionProvider, useSession } from './api/session';
import { Layout } from './components/Layout';
import { CreatePgWizard } from './pages/CreatePgWizard';
import { DrWizardPage } from './pages/dr/DrWizardPage';
import { EditPgPage } from './pages/EditPgPage';
import { SitesPage } from './pages/admin/SitesPage';
import { TenantMappingsPage } from './pages/admin/TenantMappingsPage';
import { HealthPage } from './pages/HealthPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OperationPage } from './pages/OperationPage';
import { OperationsPage } from './pages/OperationsPage';
import { OverviewPage } from './pages/OverviewPage';
import { PgDetailPage } from './pages/pg-detail/PgDetailPage';
import { ProtectionGroupsPage } from './pages/ProtectionGroupsPage';

/** The pages, behind the login; each route is one page file. */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<OverviewPage />} />
      <Route path="/protection-groups" element={<ProtectionGroupsPage />} />
      <Route path="/protection-groups/:pg" element={<PgDetailPage />} />
      <Route path="/protection-groups/new" element={<CreatePgWizard />} />
      <Route path="/protection-groups/:pg/edit" element={<EditPgPage />} />
      <Route path="/protection-groups/:pg/dr" element={<DrWizardPage />} />
      <Route path="/operations" element={<OperationsPage />} />
      <Route path="/operations/:site/:id" element={<OperationPage />} />
      <Route path="/health" element={<HealthPage />} />
      <Route path="/admin/sites" element={<SitesPage />} />
      <Route path="/admin/tenant-mappings" element={<TenantMappingsPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

function Gate() {
  const { session, loading } = useSession();
  const config = useQuery({ queryKey: ['config'], queryFn: () => get<DashboardConfig>('/api/config'), staleTime: Infinity });
  if (loading || !config.data) {
    return (
      <Bullseye>
        <Spinner aria-label="Loading" />
      </Bullseye>
    );
  }
  if (!session) return <LoginPage sites={config.data.sites} />;
  return (
    <Layout>
      <AppRoutes />
    </Layout>
  );
}

export function App({ client }: { client?: QueryClient }) {
  const qc = client ?? new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });
  return (
    <QueryClientProvider client={qc}>
      <BrowserRouter>
        <SessionProvider>
          <Gate />
        </SessionProvider>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
