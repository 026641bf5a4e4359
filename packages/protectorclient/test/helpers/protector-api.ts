import { KeystoneSession } from '@protector/openstack';
import type { ApiHarness } from '../../../protector/test/helpers/api.js';

const PASSWORDS = { admin: 'secret', alice: 'alice-pw', bob: 'bob-pw', carol: 'carol-pw' } as const;
const PROJECTS = { admin: 'admin', alice: 'demo', bob: 'demo', carol: 'other' } as const;
export type HarnessUser = keyof typeof PASSWORDS;

/** A Keystone session of one of the harness's users on its site-a (the users of protector's test helper). */
export function sessionFor(h: ApiHarness, user: HarnessUser): KeystoneSession {
  return new KeystoneSession({
    authUrl: `${h.site.url('keystone')}/v3`,
    credentials: { type: 'password', username: user, password: PASSWORDS[user], userDomainId: 'default', scope: { projectName: PROJECTS[user], projectDomainId: 'default' } },
    http: { retries: 0 },
  });
}

/**
 * Registers the harness's protector-api in site-a's Keystone catalog as service type
 * `protector` (public endpoint `<url>/v1`, as docs/install.md does), through Keystone's own API.
 */
export async function registerProtectorEndpoint(h: ApiHarness): Promise<void> {
  const ks = `${h.site.url('keystone')}/v3`;
  const headers = { 'Content-Type': 'application/json', 'X-Auth-Token': await h.token('admin') };
  const svc = await fetch(`${ks}/services`, { method: 'POST', headers, body: JSON.stringify({ service: { type: 'protector', name: 'protector', description: 'Disaster recovery' } }) });
  if (svc.status !== 201) throw new Error(`service create: ${svc.status} ${await svc.text()}`);
  const { service } = (await svc.json()) as { service: { id: string } };
  const ep = await fetch(`${ks}/endpoints`, { method: 'POST', headers, body: JSON.stringify({ endpoint: { service_id: service.id, interface: 'public', url: `${h.url}/v1` } }) });
  if (ep.status !== 201) throw new Error(`endpoint create: ${ep.status} ${await ep.text()}`);
}
