import type { MappingKind, PgStatus, ReipRule, ReplicationType } from '@protector/contract';
import type { Kysely, Selectable } from 'kysely';
import type { ReplicationGroupHandle } from '../storage/types.js';
import { CompiledRead } from './compiled.js';
import { keysetPage, type PageRequest, type PageRows } from './keyset.js';
import { locksRows } from './connection.js';
import { transact } from './retry.js';
import type { Database, MembersTable, ProtectionGroupsTable } from './schema.js';

/** PG states (DESIGN §3), replication types and mapping kinds: the wire's vocabulary, stored as is. */
export { MAPPING_KINDS, type MappingKind, type PgStatus, type ReplicationType } from '@protector/contract';

/** What a PG created on each site, by site id: the Cinder consistency group, its type, the trust. */
export interface PgSiteResources {
  group_type_id?: string;
  group_id?: string;
  /** Keystone trust from the tenant user to this site's Protector service user. */
  trust_id?: string;
}

/**
 * What a failover or a drill brought up on its target site, recorded as each object is created
 * (so a resumed step finds it, a rollback or test cleanup removes exactly it).
 */
export interface BroughtUp {
  operation_id: string;
  site_id: string;
  /** The recovery point the volumes came from, and the instant its data is from. */
  recovery_point: string | null;
  recovery_point_time: number | null;
  /** The isolated network and subnets a drill created. */
  networks: string[];
  subnets: string[];
  /** Array volumes restored from the recovery point, by source volume id (renamed once managed). */
  array_volumes: Record<string, string>;
  /** The Cinder volumes managed on the target, by source volume id. */
  volumes: Record<string, { volume_id: string; array_volume: string }>;
  /** Ports created, by `<member server id>|<source port id>`. */
  ports: Record<string, string>;
  /** Servers created, by member server id. */
  servers: Record<string, string>;
  /** Servers that did not come up, by member server id: why. */
  errors: Record<string, string>;
}

/** The old primary's copies after a failover, removed by cleanup; fenced ones are never started again. */
export interface Leftovers {
  operation_id: string;
  site_id: string;
  /** An unplanned failover could not stop them: Protector must never start them. */
  fenced: boolean;
  servers: string[];
  volumes: string[];
  ports: string[];
  /** Fenced servers found running when the old primary answered again, and stopped (split brain prevented). */
  stopped_on_return?: { server_id: string; at: number }[];
}

export interface PgResources {
  sites: Record<string, PgSiteResources>;
  /** The array construct (async protection group or sync pod). */
  array?: ReplicationGroupHandle;
  /** The running or last failover's objects on its target (until the next one). */
  failover?: BroughtUp;
  /** The current drill's objects (until test cleanup). */
  drill?: BroughtUp;
  /** The old primary's copies waiting for cleanup. */
  leftovers?: Leftovers;
  /** An unplanned failover could not reverse replication (the old source was down); failback does. */
  reverse_pending?: boolean;
}

export interface ProtectionGroup {
  id: string;
  project_id: string;
  name: string;
  description: string;
  replication_type: ReplicationType;
  status: PgStatus;
  primary_site_id: string;
  secondary_site_id: string;
  current_primary_site_id: string;
  metadata_version: number;
  sync_state: 'in_sync' | 'out_of_sync';
  active_operation_id: string | null;
  resources: PgResources;
  created_at: number;
  updated_at: number;
}

/** A port of a member as recorded when it was added, so failover can recreate it. */
export interface MemberPort {
  id: string;
  network_id: string;
  mac_address: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
  security_group_ids: string[];
}

/** A volume of a member: its Cinder id, where it is attached, and its name on the array. */
export interface MemberVolume {
  volume_id: string;
  device: string;
  boot_index: number | null;
  volume_type: string;
  size_gb: number;
  array_volume: string;
}

export interface MemberDetails {
  flavor_id: string;
  flavor_name: string;
  image_id: string | null;
  availability_zone: string | null;
  key_name: string | null;
  ports: MemberPort[];
  volumes: MemberVolume[];
}

export interface Member {
  id: string;
  pg_id: string;
  server_id: string;
  name: string;
  boot_order: number;
  details: MemberDetails;
  created_at: number;
}

export interface RetentionSettings {
  all_for_sec: number;
  per_day: number;
  days: number;
}

export interface ReplicationPolicy {
  pg_id: string;
  interval_minutes: number;
  rpo_minutes: number;
  retention: { source: RetentionSettings; target: RetentionSettings };
  updated_at: number;
}


export interface ResourceMapping {
  kind: MappingKind;
  source_site_id: string;
  source_id: string;
  target_id: string;
  /** A network mapping's re-IP rules, in order (absent: none). */
  reip_rules?: ReipRule[];
}

/** What PG lists sort by. */
export const PG_SORT_KEYS = ['created_at', 'name', 'status', 'updated_at'] as const;
export type PgSortKey = (typeof PG_SORT_KEYS)[number];

/** The site of the pair that does not run the workload now: where a failover or a drill brings it up. */
export const standbySiteId = (pg: Pick<ProtectionGroup, 'primary_site_id' | 'secondary_site_id' | 'current_primary_site_id'>): string =>
  pg.current_primary_site_id === pg.primary_site_id ? pg.secondary_site_id : pg.primary_site_id;

/**
 * The resources with every site id replaced through `translate` (a document pushed to the peer
 * site names sites by that site's ids).
 */
export function mapResourceSites(r: PgResources, translate: (siteId: string, where: string) => string): PgResources {
  const at = <T extends { site_id: string }>(x: T, key: string): T => ({ ...x, site_id: translate(x.site_id, `${key}.site_id`) });
  return {
    ...r,
    sites: Object.fromEntries(Object.entries(r.sites).map(([k, v]) => [translate(k, 'sites'), v])),
    ...(r.failover ? { failover: at(r.failover, 'failover') } : {}),
    ...(r.drill ? { drill: at(r.drill, 'drill') } : {}),
    ...(r.leftovers ? { leftovers: at(r.leftovers, 'leftovers') } : {}),
  };
}

/** The defaults a new PG gets: replicate every 15 minutes, RPO 30 minutes, FlashArray's retention. */
export const DEFAULT_POLICY = {
  interval_minutes: 15,
  rpo_minutes: 30,
  retention: { source: { all_for_sec: 86400, per_day: 4, days: 7 }, target: { all_for_sec: 86400, per_day: 4, days: 7 } },
} as const;

/** A PG from its row as stored. */
export const toPg = (r: Selectable<ProtectionGroupsTable>): ProtectionGroup => ({
  ...r,
  replication_type: r.replication_type,
  status: r.status as PgStatus,
  resources: JSON.parse(r.resources) as PgResources,
});

const toMember = (r: Selectable<MembersTable>): Member => ({ ...r, details: JSON.parse(r.details) as MemberDetails });

// Every tenant route on a PG starts with one of these (compiled.ts).
const PG_BY_ID = new CompiledRead<Database, [string], Selectable<ProtectionGroupsTable>>(1, (db, id) => db.selectFrom('protection_groups').selectAll().where('id', '=', id));
const PG_IN_PROJECT = new CompiledRead<Database, [string, string], Selectable<ProtectionGroupsTable>>(2, (db, id, project) =>
  db.selectFrom('protection_groups').selectAll().where('id', '=', id).where('project_id', '=', project),
);

/**
 * Protection groups and what hangs off them. Reads by a tenant are always scoped to its project:
 * another project's PG is simply not found (the API answers 404, never 403).
 */
export class ProtectionGroups {
  constructor(
    readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async list(projectId?: string): Promise<ProtectionGroup[]> {
    let q = this.db.selectFrom('protection_groups').selectAll();
    if (projectId !== undefined) q = q.where('project_id', '=', projectId);
    return (await q.orderBy('created_at').execute()).map(toPg);
  }

  /** One page of a project's PGs, filtered by name and status (db/keyset.ts); undefined when the marker is not among them. */
  async page(projectId: string, filter: { name?: string; status?: string }, p: PageRequest<PgSortKey>): Promise<PageRows<ProtectionGroup> | undefined> {
    let q = this.db.selectFrom('protection_groups').selectAll().where('project_id', '=', projectId);
    if (filter.name !== undefined) q = q.where('name', '=', filter.name);
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    const page = await keysetPage(q, p);
    return page && { rows: page.rows.map(toPg), more: page.more };
  }

  /** The PG if it exists in `projectId` (any project when undefined). */
  async get(id: string, projectId?: string): Promise<ProtectionGroup | undefined> {
    const r = await this.row(id, projectId);
    return r && toPg(r);
  }

  /** The PG's row as stored (toPg makes the PG of it), for callers that keep what they make of a row (api/row-memo.ts). */
  async row(id: string, projectId?: string): Promise<Selectable<ProtectionGroupsTable> | undefined> {
    const [r] = projectId === undefined ? await PG_BY_ID.rows(this.db, id) : await PG_IN_PROJECT.rows(this.db, id, projectId);
    return r;
  }

  async findByName(projectId: string, name: string): Promise<ProtectionGroup | undefined> {
    const r = await this.db.selectFrom('protection_groups').selectAll().where('project_id', '=', projectId).where('name', '=', name).executeTakeFirst();
    return r && toPg(r);
  }

  /** Inserts a PG with its default policy in one transaction; null if the project has one of that name. */
  async create(pg: Omit<ProtectionGroup, 'created_at' | 'updated_at' | 'metadata_version' | 'sync_state' | 'active_operation_id'>): Promise<ProtectionGroup | null> {
    if (await this.findByName(pg.project_id, pg.name)) return null;
    const now = this.now();
    await transact(this.db, async (tx) => {
      await tx
        .insertInto('protection_groups')
        .values({ ...pg, resources: JSON.stringify(pg.resources), metadata_version: 1, sync_state: 'in_sync', active_operation_id: null, created_at: now, updated_at: now })
        .execute();
      await tx
        .insertInto('replication_policies')
        .values({ pg_id: pg.id, interval_minutes: DEFAULT_POLICY.interval_minutes, rpo_minutes: DEFAULT_POLICY.rpo_minutes, retention: JSON.stringify(DEFAULT_POLICY.retention), updated_at: now })
        .execute();
    });
    return (await this.get(pg.id)) ?? null;
  }

  /** Changes fields; a change to what the metadata document holds bumps `metadata_version`. */
  async update(id: string, change: Partial<Pick<ProtectionGroup, 'name' | 'description' | 'status' | 'current_primary_site_id' | 'sync_state'>>, opts: { bumpVersion?: boolean } = {}): Promise<ProtectionGroup | undefined> {
    await this.db
      .updateTable('protection_groups')
      .set((eb) => ({ ...change, updated_at: this.now(), ...(opts.bumpVersion ? { metadata_version: eb('metadata_version', '+', 1) } : {}) }))
      .where('id', '=', id)
      .execute();
    return this.get(id);
  }

  /**
   * Merges what a workflow step created into `resources`: a read-modify-write in one transaction.
   * On MariaDB the read locks the row (a plain read would see a snapshot, and of two concurrent
   * merges the second would overwrite the first); SQLite lets one writer in at a time. `fn` may
   * run more than once (the transaction is retried after a deadlock), so it must only compute.
   */
  async setResources(id: string, fn: (r: PgResources) => PgResources): Promise<PgResources> {
    return transact(this.db, async (tx) => {
      const row = await tx
        .selectFrom('protection_groups')
        .select('resources')
        .where('id', '=', id)
        .$if(locksRows(tx), (q) => q.forUpdate())
        .executeTakeFirstOrThrow();
      const next = fn(JSON.parse(row.resources) as PgResources);
      await tx.updateTable('protection_groups').set({ resources: JSON.stringify(next), updated_at: this.now() }).where('id', '=', id).execute();
      return next;
    });
  }

  async delete(id: string): Promise<void> {
    await transact(this.db, async (tx) => {
      await tx.deleteFrom('resource_mappings').where('pg_id', '=', id).execute();
      await tx.deleteFrom('replication_policies').where('pg_id', '=', id).execute();
      await tx.deleteFrom('members').where('pg_id', '=', id).execute();
      await tx.deleteFrom('protection_groups').where('id', '=', id).execute();
    });
  }

  // ---- members ----

  async members(pgId: string): Promise<Member[]> {
    return (await this.db.selectFrom('members').selectAll().where('pg_id', '=', pgId).orderBy('boot_order').orderBy('created_at').execute()).map(toMember);
  }

  async member(pgId: string, serverId: string): Promise<Member | undefined> {
    const r = await this.db.selectFrom('members').selectAll().where('pg_id', '=', pgId).where('server_id', '=', serverId).executeTakeFirst();
    return r && toMember(r);
  }

  /** Records (or re-records, idempotently) a member. */
  async putMember(m: Omit<Member, 'created_at'>): Promise<Member> {
    const existing = await this.member(m.pg_id, m.server_id);
    if (existing) {
      await this.db.updateTable('members').set({ name: m.name, boot_order: m.boot_order, details: JSON.stringify(m.details) }).where('id', '=', existing.id).execute();
    } else {
      await this.db.insertInto('members').values({ ...m, details: JSON.stringify(m.details), created_at: this.now() }).execute();
    }
    return (await this.member(m.pg_id, m.server_id)) as Member;
  }

  /** After a failover the member is the server brought up on the new primary: its id and details change. */
  async moveMember(memberId: string, serverId: string, details: MemberDetails): Promise<void> {
    await this.db.updateTable('members').set({ server_id: serverId, details: JSON.stringify(details) }).where('id', '=', memberId).execute();
  }

  async removeMember(pgId: string, serverId: string): Promise<void> {
    await this.db.deleteFrom('members').where('pg_id', '=', pgId).where('server_id', '=', serverId).execute();
  }

  // ---- replication policy ----

  async policy(pgId: string): Promise<ReplicationPolicy | undefined> {
    const r = await this.db.selectFrom('replication_policies').selectAll().where('pg_id', '=', pgId).executeTakeFirst();
    return r && { ...r, retention: JSON.parse(r.retention) as ReplicationPolicy['retention'] };
  }

  async setPolicy(pgId: string, p: Omit<ReplicationPolicy, 'pg_id' | 'updated_at'>): Promise<ReplicationPolicy> {
    await this.db
      .updateTable('replication_policies')
      .set({ interval_minutes: p.interval_minutes, rpo_minutes: p.rpo_minutes, retention: JSON.stringify(p.retention), updated_at: this.now() })
      .where('pg_id', '=', pgId)
      .execute();
    return (await this.policy(pgId)) as ReplicationPolicy;
  }

  // ---- resource mappings ----

  async mappings(pgId: string): Promise<ResourceMapping[]> {
    const rows = await this.db.selectFrom('resource_mappings').select(['kind', 'source_site_id', 'source_id', 'target_id', 'reip_rules']).where('pg_id', '=', pgId).orderBy('kind').orderBy('source_id').execute();
    return rows.map(({ reip_rules, ...r }) => ({ ...r, kind: r.kind as MappingKind, ...(reip_rules ? { reip_rules: JSON.parse(reip_rules) as ReipRule[] } : {}) }));
  }

  /** Replaces all of a PG's mappings at once (PUT semantics). */
  async replaceMappings(pgId: string, mappings: ResourceMapping[]): Promise<ResourceMapping[]> {
    await transact(this.db, async (tx) => {
      await tx.deleteFrom('resource_mappings').where('pg_id', '=', pgId).execute();
      const rows = mappings.map(({ reip_rules, ...m }) => ({ pg_id: pgId, ...m, reip_rules: reip_rules?.length ? JSON.stringify(reip_rules) : null }));
      if (rows.length) await tx.insertInto('resource_mappings').values(rows).execute();
    });
    return this.mappings(pgId);
  }
}
