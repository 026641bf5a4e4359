import type { SiteHost } from '../host.js';

/** The seed file's Neutron sections. */
export interface NeutronSeed {
  security_groups?: {
    name: string;
    project: string;
    description?: string;
    rules?: {
      direction: 'ingress' | 'egress';
      protocol?: string;
      port_range_min?: number;
      port_range_max?: number;
      remote_ip_prefix?: string;
      ethertype?: 'IPv4' | 'IPv6';
    }[];
  }[];
  networks?: {
    name: string;
    /** Project name in domain default; the admin project when absent. */
    project?: string;
    shared?: boolean;
    external?: boolean;
    subnets?: {
      name: string;
      cidr: string;
      gateway_ip?: string;
      allocation_pools?: { start: string; end: string }[];
      enable_dhcp?: boolean;
      dns_nameservers?: string[];
    }[];
  }[];
}

/** A project id from a seed's project name (domain default); the admin project when absent. */
export function seedProjectId(site: SiteHost, name: string | undefined, where: string): string {
  const wanted = name ?? 'admin';
  const project = site.keystone.projects.find((p) => p.name === wanted && p.domain_id === 'default');
  if (!project) throw new Error(`seed ${where}: unknown project '${wanted}' in domain default`);
  return project.id;
}

/**
 * Creates the seed's security groups and networks through the model, so seeded objects obey
 * the same checks (cidrs, pools, duplicate rules) as API-created ones; errors name the entry.
 */
export function seedNeutron(site: SiteHost, doc: NeutronSeed): void {
  const model = site.neutron;
  const wrap = <T>(where: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      throw new Error(`seed ${where}: ${(err as Error).message}`, { cause: err });
    }
  };
  for (const sg of doc.security_groups ?? []) {
    const where = `security group '${sg.name}'`;
    const projectId = seedProjectId(site, sg.project, where);
    wrap(where, () => {
      const group = sg.name === 'default' ? model.securityGroups.ensureDefault(projectId) : model.securityGroups.create(projectId, { name: sg.name, description: sg.description });
      for (const rule of sg.rules ?? []) model.securityGroups.createRule(projectId, { ...rule, security_group_id: group.id });
    });
  }
  for (const net of doc.networks ?? []) {
    const where = `network '${net.name}'`;
    const projectId = seedProjectId(site, net.project, where);
    wrap(where, () => {
      const created = model.createNetwork(projectId, { name: net.name, shared: net.shared ?? false, 'router:external': net.external ?? false });
      for (const subnet of net.subnets ?? []) {
        wrap(`subnet '${subnet.name}'`, () => model.createSubnet(projectId, { ...subnet, network_id: created.id, ip_version: 4 }));
      }
    });
  }
}
