import { Alert, Title } from '@patternfly/react-core';
import type { ReactNode } from 'react';
import type { PerSite } from '../../../src/shared/admin';

/** What each site of the pair answered for itself, a section per site: its heading, why it did not answer (a refusal as a warning), else its list. */
export function PerSiteLists<T>({ sites, heading, children }: { sites: PerSite<T>[]; heading: (site: string) => string; children: (items: T[], site: string) => ReactNode }) {
  return sites.map((s) => (
    <section key={s.site} aria-label={heading(s.site)} style={{ marginBlockStart: '1rem' }}>
      <Title headingLevel="h2">{heading(s.site)}</Title>
      {s.error && <Alert variant={s.error.code === 'forbidden' ? 'warning' : 'danger'} isInline title={s.error.message} />}
      {s.items && children(s.items, s.site)}
    </section>
  ));
}
