import {
  Button,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  Nav,
  NavItem,
  NavList,
  Page,
  PageSidebar,
  PageSidebarBody,
  SkipToContent,
  Content,
} from '@patternfly/react-core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router';
import type { SiteReach } from '../../../src/shared/api';
import { get } from '../api/client';
import { pollEvery, POLL_SLOW_MS } from '../api/poll';
import { useSession } from '../api/session';
import { SiteBanner } from './SiteBanner';

/** Both sites' reachability, shared by the banner and every page that disables what needs a site. */
export function useSites() {
  return useQuery({ queryKey: ['sites'], queryFn: () => get<{ sites: SiteReach[] }>('/api/sites'), refetchInterval: pollEvery(POLL_SLOW_MS) });
}

const NAV: { to: string; label: string; admin?: boolean }[] = [
  { to: '/', label: 'Overview' },
  { to: '/protection-groups', label: 'Protection groups' },
  { to: '/operations', label: 'Operations' },
  { to: '/health', label: 'Health' },
  { to: '/admin/sites', label: 'Sites', admin: true },
  { to: '/admin/tenant-mappings', label: 'Tenant mappings', admin: true },
];

export function Layout({ children }: { children: ReactNode }) {
  const { session, logout } = useSession();
  const sites = useSites();
  const { pathname } = useLocation();
  const isCurrent = (to: string) => (to === '/' ? pathname === '/' : pathname.startsWith(to));

  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadBrand>
          <MastheadLogo component="a" href="/">
            <span style={{ color: 'var(--pf-t--global--text--color--regular)', fontWeight: 600, fontSize: '1.25rem' }}>Protector</span>
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Content component="p" style={{ marginInlineStart: 'auto', marginInlineEnd: '1rem', marginBlock: 0 }}>
          {session?.user} · {session?.sites.filter((s) => s.logged_in).map((s) => `${s.name} (${s.project})`).join(', ')}
        </Content>
        <Button variant="secondary" onClick={() => void logout()}>
          Log out
        </Button>
      </MastheadContent>
    </Masthead>
  );
  const sidebar = (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Protector">
          <NavList>
            {NAV.filter((n) => !n.admin || session?.is_admin).map((n) => (
              <NavItem key={n.to} isActive={isCurrent(n.to)}>
                <NavLink to={n.to}>{n.label}</NavLink>
              </NavItem>
            ))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
  return (
    <Page
      masthead={masthead}
      sidebar={sidebar}
      banner={sites.data ? <SiteBanner sites={sites.data.sites} /> : undefined}
      skipToContent={<SkipToContent href="#main">Skip to content</SkipToContent>}
      mainContainerId="main"
      isManagedSidebar
    >
      {children}
    </Page>
  );
}
