import { createSiteClients, type SiteClients } from '@protector/openstack';
import { apiUrl, keystoneUrl, SERVICE_USER } from './protector.js';
import type { LabSite } from './sites.js';

/** cloudsim's admin (the lab's `site-a`/`site-b` clouds). */
export const ADMIN = { username: 'admin', password: 'secret' } as const;

/** The site's cloud admin, as the lab's `site-a` / `site-b` clouds log in. */
export const adminOf = (site: LabSite): SiteClients =>
  createSiteClients({
    authUrl: keystoneUrl(site),
    credentials: { type: 'password', username: ADMIN.username, password: ADMIN.password, userDomainName: 'Default', scope: { projectName: 'admin', projectDomainName: 'Default' } },
    http: { site: site.name },
  });

/**
 * What an operator does when installing Protector on a site (docs/install.md): the `protector`
 * service user with admin in project `service`, and the `protector` service in the catalog with
 * its public and internal endpoints. Idempotent, so `up` after `down` finds them.
 */
export async function installProtectorInKeystone(site: LabSite): Promise<void> {
  const { keystone } = adminOf(site);
  const service = await keystone.findProject('service');
  if (!service) throw new Error(`${site.name}: Keystone has no 'service' project`);
  const user = (await keystone.findUser(SERVICE_USER.name)) ?? (await keystone.createUser({ name: SERVICE_USER.name, password: SERVICE_USER.password, defaultProjectId: service.id }));
  const admin = await keystone.findRole('admin');
  if (!admin) throw new Error(`${site.name}: Keystone has no 'admin' role`);
  await keystone.grantProjectRole(service.id, user.id, admin.id);
  const svc = (await keystone.listServices('protector'))[0] ?? (await keystone.createService({ type: 'protector', name: 'protector', description: 'Protector disaster recovery' }));
  const endpoints = await keystone.listEndpoints(svc.id);
  for (const iface of ['public', 'internal'] as const) {
    if (!endpoints.some((e) => e.interface === iface && e.url === apiUrl(site))) await keystone.createEndpoint({ serviceId: svc.id, interface: iface, url: apiUrl(site), region: 'RegionOne' });
  }
}
