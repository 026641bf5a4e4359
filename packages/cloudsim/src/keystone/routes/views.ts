import { isoMicros } from '../../timestamps.js';
import type { SiteHost } from '../../host.js';
import type {
  ApplicationCredentialRecord,
  DomainRecord,
  EndpointRecord,
  ProjectRecord,
  RegionRecord,
  RoleRecord,
  ServiceRecord,
  TrustRecord,
  UserRecord,
} from '../records.js';
import { selfLinks } from './common.js';

/** How each resource reads on the wire: the stored record plus `links`, minus secrets. */
export function views(site: SiteHost) {
  const roleRef = (id: string) => {
    const r = site.keystone.roles.get(id);
    return { id, name: r?.name ?? id, domain_id: r?.domain_id ?? null, links: selfLinks(site, `/roles/${id}`) };
  };
  return {
    domain: (d: DomainRecord) => ({ ...d, options: {}, links: selfLinks(site, `/domains/${d.id}`) }),
    project: (p: ProjectRecord) => ({ ...p, options: {}, links: selfLinks(site, `/projects/${p.id}`) }),
    user: (u: UserRecord) => {
      const { password_hash: _hidden, ...shown } = u;
      return { ...shown, options: {}, links: selfLinks(site, `/users/${u.id}`) };
    },
    role: (r: RoleRecord) => ({ ...r, options: {}, links: selfLinks(site, `/roles/${r.id}`) }),
    service: (s: ServiceRecord) => ({ ...s, links: selfLinks(site, `/services/${s.id}`) }),
    endpoint: (e: EndpointRecord) => ({ ...e, region: e.region_id, links: selfLinks(site, `/endpoints/${e.id}`) }),
    region: (r: RegionRecord) => ({ ...r, links: selfLinks(site, `/regions/${r.id}`) }),
    roleRef,
    appCredential: (a: ApplicationCredentialRecord) => {
      const { secret_hash: _hidden, role_ids, ...shown } = a;
      const roles = role_ids.map((id) => {
        const r = site.keystone.roles.get(id);
        return { id, name: r?.name ?? id, domain_id: r?.domain_id ?? null };
      });
      return { ...shown, roles, access_rules: [], links: selfLinks(site, `/users/${a.user_id}/application_credentials/${a.id}`) };
    },
    trust: (tr: TrustRecord) => {
      const { role_ids, deleted: _deleted, ...shown } = tr;
      return {
        ...shown,
        roles: role_ids.map(roleRef),
        roles_links: { self: `${site.authUrl}/OS-TRUST/trusts/${tr.id}/roles`, previous: null, next: null },
        links: selfLinks(site, `/OS-TRUST/trusts/${tr.id}`),
      };
    },
  };
}

/** Keystone's expires_at format: microseconds and a Z. */
export const keystoneTime = (ms: number): string => `${isoMicros(ms)}Z`;
