import { EmptyState, EmptyStateBody, PageSection } from '@patternfly/react-core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <PageSection>
      <EmptyState titleText="No such page" headingLevel="h1">
        <EmptyStateBody>
          <Link to="/">Back to the overview</Link>
        </EmptyStateBody>
      </EmptyState>
    </PageSection>
  );
}
