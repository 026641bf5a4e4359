import { randomBytes } from 'node:crypto';
import type { AuthContext } from '../auth.js';
import { isoMicros } from '../timestamps.js';
import type { SiteContext } from '../context.js';
import { ApiError, notFound, unauthorized } from '../http/errors.js';
import { hexId } from '../ids.js';
import type { ServiceName } from '../sim/faults.js';
import { Collection } from '../store/collection.js';
import { hashSecret, verifySecret } from './password.js';
import type {
  ApplicationCredentialRecord,
  AssignmentRecord,
  DomainRecord,
  EndpointRecord,
  ProjectRecord,
  RegionRecord,
  RoleRecord,
  ServiceRecord,
  TokenRecord,
  TrustRecord,
  UserRecord,
} from './records.js';

export const DEFAULT_DOMAIN_ID = 'default';

/** The catalog entries a site registers for its own services at every start. */
const CATALOG: { service: ServiceName; type: string; name: string; path: string }[] = [
  { service: 'keystone', type: 'identity', name: 'keystone', path: '/v3' },
  { service: 'nova', type: 'compute', name: 'nova', path: '/v2.1' },
  { service: 'cinder', type: 'volumev3', name: 'cinderv3', path: '/v3/$(project_id)s' },
  { service: 'cinder', type: 'block-storage', name: 'cinder', path: '/v3/$(project_id)s' },
  { service: 'neutron', type: 'network', name: 'neutron', path: '' },
  { service: 'glance', type: 'image', name: 'glance', path: '' },
];

export interface KeystoneOptions {
  adminPassword: string;
  tokenTtlSeconds: number;
}

/**
 * Keystone's identity, assignment, catalog and token data for one site. Routes in ./routes
 * translate HTTP to these calls; Nova, Cinder, Neutron and Glance see only AuthContext.
 */
export class KeystoneModel {
  readonly domains: Collection<DomainRecord>;
  readonly projects: Collection<ProjectRecord>;
  readonly users: Collection<UserRecord>;
  readonly roles: Collection<RoleRecord>;
  readonly assignments: Collection<AssignmentRecord>;
  readonly services: Collection<ServiceRecord>;
  readonly endpoints: Collection<EndpointRecord>;
  readonly regions: Collection<RegionRecord>;
  readonly trusts: Collection<TrustRecord>;
  readonly appCredentials: Collection<ApplicationCredentialRecord>;
  readonly tokens: Collection<TokenRecord>;

  constructor(
    readonly ctx: SiteContext,
    readonly options: KeystoneOptions,
  ) {
    const db = ctx.db;
    this.domains = new Collection(db, 'ks_domains');
    this.projects = new Collection(db, 'ks_projects', 'domain_id');
    this.users = new Collection(db, 'ks_users', 'domain_id');
    this.roles = new Collection(db, 'ks_roles');
    this.assignments = new Collection(db, 'ks_assignments', 'user_id');
    this.services = new Collection(db, 'ks_services');
    this.endpoints = new Collection(db, 'ks_endpoints', 'service_id');
    this.regions = new Collection(db, 'ks_regions');
    this.trusts = new Collection(db, 'ks_trusts', 'trustor_user_id');
    this.appCredentials = new Collection(db, 'ks_app_credentials', 'user_id');
    this.tokens = new Collection(db, 'ks_tokens', 'user_id');
  }

  /**
   * keystone-manage bootstrap: the Default domain, admin/member/reader roles, the admin and
   * service projects, the admin user with admin on admin, and this site's catalog. Idempotent;
   * endpoint URLs are refreshed because ports may differ between runs.
   */
  bootstrap(): void {
    if (!this.domains.get(DEFAULT_DOMAIN_ID)) {
      this.domains.insert({ id: DEFAULT_DOMAIN_ID, name: 'Default', description: 'The default domain', enabled: true, tags: [] });
    }
    // Implication (admin → member → reader) is applied when roles are read, in withImplied().
    for (const name of ['reader', 'member', 'admin']) this.ensureRole(name);
    const admin = this.ensureProject('admin', DEFAULT_DOMAIN_ID, 'Bootstrap project for initializing the cloud.');
    this.ensureProject('service', DEFAULT_DOMAIN_ID, 'Service project');
    let user = this.findUser('admin', DEFAULT_DOMAIN_ID);
    if (!user) {
      user = this.users.insert({
        id: hexId(),
        name: 'admin',
        domain_id: DEFAULT_DOMAIN_ID,
        enabled: true,
        password_hash: hashSecret(this.options.adminPassword),
        default_project_id: admin.id,
        password_expires_at: null,
      });
    }
    this.ensureAssignment(user.id, this.ensureRole('admin').id, { project_id: admin.id });
    this.ensureAssignment(user.id, this.ensureRole('admin').id, { domain_id: DEFAULT_DOMAIN_ID });
    this.registerCatalog();
  }

  private registerCatalog(): void {
    if (!this.regions.get(this.ctx.region)) this.regions.insert({ id: this.ctx.region, description: '', parent_region_id: null });
    for (const entry of CATALOG) {
      let service = this.services.find((s) => s.type === entry.type);
      if (!service) {
        service = this.services.insert({ id: hexId(), type: entry.type, name: entry.name, description: '', enabled: true });
      }
      const url = this.ctx.rootUrl(entry.service) + entry.path;
      for (const iface of ['public', 'internal', 'admin'] as const) {
        const existing = this.endpoints.find((e) => e.service_id === service.id && e.interface === iface && e.region_id === this.ctx.region);
        if (existing) this.endpoints.update(existing.id, (e) => (e.url = url));
        else this.endpoints.insert({ id: hexId(), service_id: service.id, interface: iface, region_id: this.ctx.region, url, enabled: true });
      }
    }
  }

  ensureRole(name: string): RoleRecord {
    return (
      this.roles.find((r) => r.name === name && r.domain_id === null) ??
      this.roles.insert({ id: hexId(), name, domain_id: null, description: '' })
    );
  }

  ensureProject(name: string, domainId: string, description = ''): ProjectRecord {
    return (
      this.projects.find((p) => p.name === name && p.domain_id === domainId) ??
      this.projects.insert({ id: hexId(), name, domain_id: domainId, parent_id: domainId, description, enabled: true, is_domain: false, tags: [] })
    );
  }

  ensureAssignment(userId: string, roleId: string, target: { project_id?: string; domain_id?: string }): AssignmentRecord {
    const found = this.assignments.find(
      (a) => a.user_id === userId && a.role_id === roleId && a.project_id === target.project_id && a.domain_id === target.domain_id,
    );
    return found ?? this.assignments.insert({ id: hexId(), user_id: userId, role_id: roleId, ...target });
  }

  createDomain(spec: { name: string; description?: string; enabled?: boolean; tags?: string[] }): DomainRecord {
    return this.domains.insert({ id: hexId(), name: spec.name, description: spec.description ?? '', enabled: spec.enabled ?? true, tags: spec.tags ?? [] });
  }

  setPassword(userId: string, password: string): void {
    this.users.update(userId, (u) => (u.password_hash = hashSecret(password)));
  }

  /** Revokes the user's tokens that match `which` (all of them by default), as Keystone's revocation events do. */
  revokeUserTokens(userId: string, which: (t: TokenRecord) => boolean = () => true): void {
    for (const t of this.tokens.list((t) => !t.revoked && which(t), userId)) this.tokens.update(t.id, (x) => (x.revoked = true));
  }

  /** Deletes a project with its assignments, application credentials and trusts; its tokens die with it. */
  deleteProject(id: string): void {
    for (const a of this.assignments.list((x) => x.project_id === id)) this.assignments.delete(a.id);
    for (const c of this.appCredentials.list((x) => x.project_id === id)) this.appCredentials.delete(c.id);
    for (const t of this.trusts.list((x) => x.project_id === id)) this.trusts.update(t.id, (x) => (x.deleted = true));
    this.projects.delete(id);
  }

  /** Deletes a user with everything that acts for them. */
  deleteUser(id: string): void {
    for (const a of this.assignments.list(undefined, id)) this.assignments.delete(a.id);
    for (const c of this.appCredentials.list(undefined, id)) this.appCredentials.delete(c.id);
    for (const t of this.trusts.list((x) => x.trustor_user_id === id || x.trustee_user_id === id)) this.trusts.update(t.id, (x) => (x.deleted = true));
    this.revokeUserTokens(id);
    this.users.delete(id);
  }

  /** Projects on which the user holds any role directly. */
  userProjects(userId: string): ProjectRecord[] {
    const ids = new Set(this.assignments.list((a) => a.project_id !== undefined, userId).map((a) => a.project_id));
    return this.projects.list((p) => ids.has(p.id));
  }

  /** Domains on which the user holds any role directly. */
  userDomains(userId: string): DomainRecord[] {
    const ids = new Set(this.assignments.list((a) => a.domain_id !== undefined, userId).map((a) => a.domain_id));
    return this.domains.list((d) => ids.has(d.id));
  }

  findUser(name: string, domainId: string): UserRecord | undefined {
    return this.users.find((u) => u.name === name && u.domain_id === domainId);
  }

  /** Resolves {id} or {name, domain: {id|name}} as the auth API names domains. */
  resolveDomain(ref: { id?: string; name?: string } | undefined): DomainRecord | undefined {
    if (!ref) return undefined;
    if (ref.id !== undefined) return this.domains.get(ref.id);
    return this.domains.find((d) => d.name === ref.name);
  }

  createUser(spec: { name: string; password?: string; domain_id?: string; default_project_id?: string; email?: string; description?: string; enabled?: boolean }): UserRecord {
    return this.users.insert({
      id: hexId(),
      name: spec.name,
      domain_id: spec.domain_id ?? DEFAULT_DOMAIN_ID,
      enabled: spec.enabled ?? true,
      // A user created without a password cannot authenticate with one.
      password_hash: spec.password !== undefined ? hashSecret(spec.password) : '',
      default_project_id: spec.default_project_id,
      email: spec.email,
      description: spec.description,
      password_expires_at: null,
    });
  }

  checkPassword(user: UserRecord, password: string): boolean {
    return user.password_hash !== '' && verifySecret(password, user.password_hash);
  }

  /** Role ids the user holds on a project or a domain (direct assignments). */
  rolesOn(userId: string, target: { project_id?: string; domain_id?: string }): string[] {
    const ids = this.assignments
      .list((a) => (target.project_id ? a.project_id === target.project_id : a.domain_id === target.domain_id), userId)
      .map((a) => a.role_id);
    return this.withImplied([...new Set(ids)]);
  }

  /** Keystone's default implied roles: admin implies member, member implies reader. */
  withImplied(roleIds: string[]): string[] {
    const names = new Set(roleIds.map((id) => this.roles.get(id)?.name));
    const out = new Set(roleIds);
    if (names.has('admin')) out.add(this.ensureRole('member').id);
    if (names.has('admin') || names.has('member')) out.add(this.ensureRole('reader').id);
    return [...out];
  }

  /** Issues a token for a user already authenticated; scope checks are the caller's. */
  issueToken(spec: {
    userId: string;
    methods: string[];
    projectId?: string;
    domainId?: string;
    roleIds: string[];
    expiresAt?: number;
    auditIds?: string[];
    trustId?: string;
    applicationCredentialId?: string;
  }): TokenRecord {
    const now = this.ctx.clock.now();
    const ttl = now + this.options.tokenTtlSeconds * 1000;
    const record: TokenRecord = {
      // Shaped like a Fernet token: opaque, URL-safe, about 180 characters.
      id: 'gAAAAA' + randomBytes(132).toString('base64url'),
      user_id: spec.userId,
      methods: spec.methods,
      project_id: spec.projectId,
      domain_id: spec.domainId,
      role_ids: spec.roleIds,
      issued_at: now,
      expires_at: spec.expiresAt !== undefined ? Math.min(spec.expiresAt, ttl) : ttl,
      audit_ids: [randomBytes(16).toString('base64url').slice(0, 22), ...(spec.auditIds ?? [])].slice(0, 2),
      trust_id: spec.trustId,
      application_credential_id: spec.applicationCredentialId,
      revoked: false,
    };
    return this.tokens.insert(record);
  }

  /**
   * A token that is still good: issued here, not revoked, not expired, its user and scope still
   * enabled and its roles still assigned (so removing a role takes effect at once, as in Keystone).
   */
  liveToken(token: string): TokenRecord | undefined {
    const rec = this.tokens.get(token);
    if (!rec || rec.revoked || rec.expires_at <= this.ctx.clock.now()) return undefined;
    const user = this.users.get(rec.user_id);
    if (!user?.enabled) return undefined;
    if (rec.project_id && !this.projects.get(rec.project_id)?.enabled) return undefined;
    if (rec.domain_id && !this.domains.get(rec.domain_id)?.enabled) return undefined;
    if (rec.trust_id) {
      const trust = this.trusts.get(rec.trust_id);
      if (!trust || trust.deleted) return undefined;
    }
    // Deleting an application credential ends the tokens issued through it.
    if (rec.application_credential_id && !this.appCredentials.get(rec.application_credential_id)) return undefined;
    return rec;
  }

  /** Revokes a token and every token sharing its audit chain. */
  revokeToken(token: string): void {
    const rec = this.tokens.get(token);
    if (!rec) throw notFound(`Could not find token: ${token.slice(0, 16)}…`);
    const audit = rec.audit_ids[0];
    for (const t of this.tokens.list((t) => t.audit_ids.includes(audit!), rec.user_id)) {
      this.tokens.update(t.id, (x) => (x.revoked = true));
    }
  }

  authContext(rec: TokenRecord): AuthContext {
    const user = this.users.get(rec.user_id);
    if (!user) throw unauthorized();
    const project = rec.project_id ? this.projects.get(rec.project_id) : undefined;
    const roles = rec.role_ids.map((id) => this.roles.get(id)?.name).filter((n): n is string => n !== undefined);
    return {
      token: rec.id,
      userId: user.id,
      userName: user.name,
      userDomainId: user.domain_id,
      projectId: project?.id,
      projectName: project?.name,
      projectDomainId: project?.domain_id,
      domainId: rec.domain_id,
      roles,
      expiresAt: rec.expires_at,
      trustId: rec.trust_id,
      isAdmin: roles.includes('admin'),
    };
  }

  /** The v3 token document for a live token; `catalog: false` is ?nocatalog. */
  tokenBody(rec: TokenRecord, catalog = true): { token: Record<string, unknown> } {
    const user = this.users.get(rec.user_id);
    if (!user) throw new ApiError(404, 'Could not find user.');
    const domainRef = (id: string) => ({ id, name: this.domains.get(id)?.name ?? id });
    const body: Record<string, unknown> = {
      methods: rec.methods,
      user: { domain: domainRef(user.domain_id), id: user.id, name: user.name, password_expires_at: user.password_expires_at },
      audit_ids: rec.audit_ids,
      expires_at: isoMicros(rec.expires_at) + 'Z',
      issued_at: isoMicros(rec.issued_at) + 'Z',
    };
    if (rec.project_id) {
      const p = this.projects.get(rec.project_id);
      body.project = { domain: domainRef(p?.domain_id ?? DEFAULT_DOMAIN_ID), id: rec.project_id, name: p?.name ?? '' };
      body.is_domain = false;
    }
    if (rec.domain_id) body.domain = domainRef(rec.domain_id);
    if (rec.project_id || rec.domain_id) {
      body.roles = rec.role_ids.map((id) => ({ id, name: this.roles.get(id)?.name ?? id }));
      if (catalog) body.catalog = this.catalog(rec.project_id);
    }
    if (rec.trust_id) {
      const t = this.trusts.get(rec.trust_id);
      if (t) {
        body['OS-TRUST:trust'] = {
          id: t.id,
          impersonation: t.impersonation,
          trustee_user: { id: t.trustee_user_id },
          trustor_user: { id: t.trustor_user_id },
        };
      }
    }
    if (rec.application_credential_id) {
      const ac = this.appCredentials.get(rec.application_credential_id);
      if (ac) body.application_credential = { id: ac.id, name: ac.name, restricted: !ac.unrestricted };
    }
    return { token: body };
  }

  /**
   * The catalog as a token shows it. Like Keystone, `$(project_id)s` and `$(tenant_id)s` in an
   * endpoint URL become the token's project, and endpoints that need a project are left out of
   * catalogs without one.
   */
  catalog(projectId?: string): unknown[] {
    const fill = (url: string): string | undefined => {
      if (!/\$\((project_id|tenant_id)\)s/.test(url)) return url;
      return projectId ? url.replace(/\$\((project_id|tenant_id)\)s/g, projectId) : undefined;
    };
    return this.services
      .list((s) => s.enabled)
      .map((s) => ({
        endpoints: this.endpoints
          .list((e) => e.enabled, s.id)
          .flatMap((e) => {
            const url = fill(e.url);
            return url === undefined ? [] : [{ id: e.id, interface: e.interface, region_id: e.region_id, url, region: e.region_id }];
          }),
        id: s.id,
        type: s.type,
        name: s.name,
      }));
  }

}
