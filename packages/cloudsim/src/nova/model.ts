import type { SiteContext } from '../context.js';
import { conflict, forbidden, notFound } from '../http/errors.js';
import { uuid } from '../ids.js';
import { Collection, type Frozen } from '../store/collection.js';
import { thaw } from '../store/frozen.js';
import type { NovaDeps } from './deps.js';
import { settle } from './lifecycle.js';
import type { FlavorRecord, KeypairRecord, QuotaRecord, ServerRecord } from './records.js';

/** Nova's default quotas (nova.conf [quota]); the three enforced on boot come first. */
export const DEFAULT_QUOTAS: Record<string, number> = {
  instances: 10,
  cores: 20,
  ram: 51200,
  metadata_items: 128,
  key_pairs: 100,
  server_groups: 10,
  server_group_members: 10,
  injected_files: 5,
  injected_file_content_bytes: 10240,
  injected_file_path_bytes: 255,
};

export const AVAILABILITY_ZONE = 'nova';

/** Nova's state for one site: flavors, key pairs, quotas and servers. */
export class NovaModel {
  readonly flavors: Collection<FlavorRecord>;
  readonly keypairs: Collection<KeypairRecord>;
  readonly quotas: Collection<QuotaRecord>;
  readonly servers: Collection<ServerRecord>;

  constructor(
    readonly ctx: SiteContext,
    readonly deps: NovaDeps,
  ) {
    this.flavors = new Collection(ctx.db, 'nova_flavors');
    this.keypairs = new Collection(ctx.db, 'nova_keypairs', 'user_id');
    this.quotas = new Collection(ctx.db, 'nova_quotas');
    this.servers = new Collection(ctx.db, 'nova_servers', 'project_id');
  }

  /** The single simulated compute host. */
  get host(): string {
    return `cloudsim-${this.ctx.name}`;
  }

  now(): number {
    return this.ctx.clock.now();
  }

  // --- servers -------------------------------------------------------------------------

  /** A server with pending transitions applied, or undefined. */
  getServer(id: string): ServerRecord | undefined {
    const s = this.servers.get(id);
    return s ? settle(this, s) : undefined;
  }

  /** A server the caller may see: own project, or any for admins; 404 otherwise. */
  visibleServer(id: string, projectId: string | undefined, isAdmin: boolean): ServerRecord {
    const s = this.getServer(id);
    if (!s || (!isAdmin && s.project_id !== projectId)) throw notFound(`Instance ${id} could not be found.`);
    return s;
  }

  /** Servers (shared, read-only), all or one project's; those with a transition due are settled and stored first. */
  listServers(projectId?: string): Frozen<ServerRecord>[] {
    const now = this.now();
    return this.servers.views(undefined, projectId).map((s) => (s.task_until !== null && now >= s.task_until ? settle(this, thaw<ServerRecord>(s)) : s));
  }

  // --- flavors -------------------------------------------------------------------------

  getFlavor(id: string): FlavorRecord | undefined {
    return this.flavors.get(id);
  }

  /** Public flavors, or private ones the project was given (admins see all). */
  flavorVisible(f: FlavorRecord, projectId: string | undefined, isAdmin: boolean): boolean {
    return f.is_public || isAdmin || (projectId !== undefined && f.access.includes(projectId));
  }

  createFlavor(spec: Partial<FlavorRecord> & Pick<FlavorRecord, 'name' | 'vcpus' | 'ram' | 'disk'>): FlavorRecord {
    const id = spec.id ?? uuid();
    if (this.flavors.get(id)) throw conflict(`Flavor with ID ${id} already exists.`);
    if (this.flavors.find((f) => f.name === spec.name)) throw conflict(`Flavor with name ${spec.name} already exists.`);
    return this.flavors.insert({
      id,
      name: spec.name,
      vcpus: spec.vcpus,
      ram: spec.ram,
      disk: spec.disk,
      ephemeral: spec.ephemeral ?? 0,
      swap: spec.swap ?? 0,
      rxtx_factor: spec.rxtx_factor ?? 1.0,
      is_public: spec.is_public ?? true,
      description: spec.description ?? null,
      extra_specs: spec.extra_specs ?? {},
      access: spec.access ?? [],
    });
  }

  // --- quotas --------------------------------------------------------------------------

  quotaLimits(projectId: string): Record<string, number> {
    return { ...DEFAULT_QUOTAS, ...(this.quotas.get(projectId)?.limits ?? {}) };
  }

  setQuotas(projectId: string, change: Record<string, number>): Record<string, number> {
    const rec = this.quotas.get(projectId) ?? { id: projectId, limits: {} };
    Object.assign(rec.limits, change);
    this.quotas.put(rec);
    return this.quotaLimits(projectId);
  }

  /** What a project uses of the quotas Nova counts. */
  usage(projectId: string): Record<string, number> {
    const servers = this.servers.views(undefined, projectId);
    return {
      instances: servers.length,
      cores: servers.reduce((n, s) => n + s.flavor.vcpus, 0),
      ram: servers.reduce((n, s) => n + s.flavor.ram, 0),
      key_pairs: 0,
      server_groups: 0,
      server_group_members: 0,
    };
  }

  /** Refuses a boot that would go over instances, cores or ram, in Nova's words. */
  checkBootQuota(projectId: string, flavor: { vcpus: number; ram: number }): void {
    const limits = this.quotaLimits(projectId);
    const used = this.usage(projectId);
    const requested: Record<string, number> = { cores: flavor.vcpus, instances: 1, ram: flavor.ram };
    // Nova sorts the exceeded resources and reports the first.
    for (const res of ['cores', 'instances', 'ram']) {
      const limit = limits[res] ?? -1;
      const req = requested[res] ?? 0;
      const u = used[res] ?? 0;
      if (limit >= 0 && u + req > limit) {
        throw forbidden(`Quota exceeded for ${res}: Requested ${req}, but already used ${u} of ${limit} ${res}`);
      }
    }
  }
}
