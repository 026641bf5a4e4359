import { stringify } from 'yaml';

export interface CloudEntry {
  name: string;
  authUrl: string;
  region: string;
  username?: string;
  password: string;
  projectName?: string;
}

/** The clouds.yaml entry an admin uses with the openstack client (and, later, protector). */
export function cloudEntry(c: CloudEntry): Record<string, unknown> {
  return {
    auth: {
      auth_url: c.authUrl,
      username: c.username ?? 'admin',
      password: c.password,
      project_name: c.projectName ?? 'admin',
      user_domain_name: 'Default',
      project_domain_name: 'Default',
    },
    region_name: c.region,
    interface: 'public',
    identity_api_version: 3,
  };
}

export function cloudsYaml(entries: CloudEntry[]): string {
  return stringify({ clouds: Object.fromEntries(entries.map((e) => [e.name, cloudEntry(e)])) });
}
