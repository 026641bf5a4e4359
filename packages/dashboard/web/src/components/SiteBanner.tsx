import { Banner } from '@patternfly/react-core';
import type { SiteReach } from '../../../src/shared/api';

/** Said on every page while a site is down or not logged in: what still works and what does not. */
export function SiteBanner({ sites }: { sites: SiteReach[] }) {
  const down = sites.filter((s) => !s.reachable);
  if (down.length === 0) return null;
  const up = sites.filter((s) => s.reachable).map((s) => s.name);
  const what = down.map((s) => `${s.name} is ${s.logged_in ? 'down' : 'not logged in'}${s.logged_in && s.error ? ` (${s.error})` : ''}`).join('; ');
  return (
    // PatternFly's banner keeps one line; this message is long and must be read whole, so it wraps
    // (on one line it was cut off and made the page scroll sideways).
    <Banner color="red" role="status" aria-live="polite" style={{ whiteSpace: 'normal' }}>
      <strong>{what}.</strong>{' '}
      {up.length > 0
        ? `Working with ${up.join(' and ')} alone: actions that need both sites are disabled; an unplanned failover to ${up.join(' and ')} is still offered.`
        : 'No site answers: nothing can be read or changed until one returns.'}
    </Banner>
  );
}
