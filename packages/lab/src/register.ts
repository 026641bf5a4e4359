import { pairSites, ProtectorClient } from '@protector/protectorclient';
import { adminOf } from './keystone-setup.js';
import { keystoneUrl, SERVICE_USER } from './protector.js';
import { arrayUrl, type LabArray, type LabSite } from './sites.js';

/**
 * What the operator does on each site's Protector once it runs (docs/install.md): register this
 * site (local) and its peer, with the service user's credentials and the array's API token, and
 * map the demo project to the demo project on the other site, then pair the two (a shared secret
 * for signing metadata, DESIGN §5.6). Through the API, as admin, with the protector SDK.
 * Repeatable: what exists is left as it is.
 */
export async function registerLabSites(sites: LabSite[], arrays: LabArray[]): Promise<void> {
  const demo = new Map<string, string>();
  for (const s of sites) {
    const p = await adminOf(s).keystone.findProject('demo');
    if (!p) throw new Error(`${s.name}: Keystone has no 'demo' project`);
    demo.set(s.name, p.id);
  }
  const handles = sites.map((s) => ({ name: s.name, client: new ProtectorClient({ session: adminOf(s).session, site: s.name }) }));
  for (const [i, here] of sites.entries()) {
    const client = handles[i]!.client;
    const known = await client.sites.list();
    const ids = new Map(known.map((k) => [k.name, k.id]));
    for (const s of sites) {
      if (ids.has(s.name)) continue;
      const array = arrays.find((a) => a.name === s.array);
      const created = await client.sites.create({
        name: s.name,
        description: s.name === here.name ? 'this site' : 'the peer site',
        is_local: s.name === here.name,
        auth_url: keystoneUrl(s),
        region_name: 'RegionOne',
        credentials: { username: SERVICE_USER.name, password: SERVICE_USER.password, project_name: 'service' },
        array: { name: s.array, url: arrayUrl(s), api_token: array?.api_tokens[0]?.token ?? null },
      });
      ids.set(s.name, created.id);
    }
    const peer = sites.find((s) => s.name !== here.name)!;
    const mappings = await client.tenantMappings.list();
    if (!mappings.some((m) => m.local_project_id === demo.get(here.name))) {
      await client.tenantMappings.create({ local_project_id: demo.get(here.name)!, remote_site_id: ids.get(peer.name)!, remote_project_id: demo.get(peer.name)!, description: 'demo ↔ demo' });
    }
  }
  const paired = await Promise.all(handles.map(async (h) => (await h.client.sites.list()).filter((s) => !s.is_local).every((s) => s.paired)));
  if (!paired.every(Boolean) && handles[0] && handles[1]) await pairSites(handles[0], handles[1]);
}
