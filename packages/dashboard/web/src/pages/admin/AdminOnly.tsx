import { EmptyState, EmptyStateBody, PageSection } from '@patternfly/react-core';
import type { ReactNode } from 'react';
import { useSession } from '../../api/session';

/**
 * The admin pages only for a user holding the admin role on a logged-in site (the protector API
 * decides each call anyway; its 403 shows as the page's error).
 */
export function AdminOnly({ children }: { children: ReactNode }) {
  const { session } = useSession();
  if (!session?.is_admin) {
    return (
      <PageSection>
        <EmptyState titleText="For administrators" headingLevel="h1">
          <EmptyStateBody>Sites and tenant mappings are managed by administrators: log in with a user holding the admin role on a site.</EmptyStateBody>
        </EmptyState>
      </PageSection>
    );
  }
  return <>{children}</>;
}
