import type { SiteHost } from '../host.js';
import type { DomainRecord, ProjectRecord } from './records.js';

/** The identity part of a seed file; names everywhere, resolved to ids here. */
export interface KeystoneSeed {
  domains?: { name: string; description?: string }[];
  /** `domain` is a domain name (default 'Default'). */
  projects?: { name: string; domain?: string; description?: string }[];
  /** `default_project` is a project name in the user's domain. */
  users?: { name: string; password: string; domain?: string; default_project?: string; email?: string }[];
  roles?: string[];
  role_assignments?: { user: string; role: string; project?: string; domain?: string }[];
}

/**
 * Creates what the seed names, skipping what already exists (ensure-style), so applying it
 * twice changes nothing. An unknown name is an Error naming the entry: a typo must not pass.
 */
export function seedKeystone(site: SiteHost, doc: KeystoneSeed): void {
  const ks = site.keystone;
  const domainByName = (name: string | undefined, where: string): DomainRecord => {
    const d = ks.domains.find((x) => x.name === (name ?? 'Default'));
    if (!d) throw new Error(`seed ${where}: unknown domain '${name ?? 'Default'}'`);
    return d;
  };
  const projectByName = (name: string, domainId: string | undefined, where: string): ProjectRecord => {
    const p = ks.projects.find((x) => x.name === name && (domainId === undefined || x.domain_id === domainId));
    if (!p) throw new Error(`seed ${where}: unknown project '${name}'`);
    return p;
  };

  for (const d of doc.domains ?? []) {
    if (!ks.domains.find((x) => x.name === d.name)) ks.createDomain({ name: d.name, description: d.description });
  }
  for (const p of doc.projects ?? []) {
    const domain = domainByName(p.domain, `project '${p.name}'`);
    ks.ensureProject(p.name, domain.id, p.description ?? '');
  }
  for (const name of doc.roles ?? []) ks.ensureRole(name);
  for (const u of doc.users ?? []) {
    const where = `user '${u.name}'`;
    const domain = domainByName(u.domain, where);
    if (ks.findUser(u.name, domain.id)) continue;
    const project = u.default_project ? projectByName(u.default_project, domain.id, where) : undefined;
    ks.createUser({ name: u.name, password: u.password, domain_id: domain.id, default_project_id: project?.id, email: u.email });
  }
  for (const a of doc.role_assignments ?? []) {
    const where = `role_assignment ${a.user}/${a.role}/${a.project ?? a.domain ?? '?'}`;
    const user = ks.users.find((x) => x.name === a.user);
    if (!user) throw new Error(`seed ${where}: unknown user '${a.user}'`);
    const role = ks.roles.find((x) => x.name === a.role);
    if (!role) throw new Error(`seed ${where}: unknown role '${a.role}'`);
    if ((a.project === undefined) === (a.domain === undefined)) throw new Error(`seed ${where}: give exactly one of project or domain`);
    if (a.project !== undefined) {
      // Prefer the project in the user's own domain when names repeat across domains.
      const project = ks.projects.find((x) => x.name === a.project && x.domain_id === user.domain_id) ?? projectByName(a.project, undefined, where);
      ks.ensureAssignment(user.id, role.id, { project_id: project.id });
    } else {
      ks.ensureAssignment(user.id, role.id, { domain_id: domainByName(a.domain, where).id });
    }
  }
}
