import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, TenantMappingsTable } from './schema.js';

export type TenantMapping = Selectable<TenantMappingsTable>;
export type NewTenantMapping = Omit<TenantMapping, 'id' | 'created_at'>;

/** Which project on the peer site stands for a local project (one per local project and site). */
export class TenantMappings {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  list(): Promise<TenantMapping[]> {
    return this.db.selectFrom('tenant_mappings').selectAll().orderBy('created_at').execute();
  }

  get(id: string): Promise<TenantMapping | undefined> {
    return this.db.selectFrom('tenant_mappings').selectAll().where('id', '=', id).executeTakeFirst();
  }

  find(localProjectId: string, remoteSiteId: string): Promise<TenantMapping | undefined> {
    return this.db
      .selectFrom('tenant_mappings')
      .selectAll()
      .where('local_project_id', '=', localProjectId)
      .where('remote_site_id', '=', remoteSiteId)
      .executeTakeFirst();
  }

  /** Null when the local project already has a mapping to that site (the caller answers 409). */
  async create(m: NewTenantMapping): Promise<TenantMapping | null> {
    if (await this.find(m.local_project_id, m.remote_site_id)) return null;
    const id = randomUUID();
    await this.db.insertInto('tenant_mappings').values({ id, ...m, created_at: this.now() }).execute();
    return (await this.get(id)) ?? null;
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('tenant_mappings').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }
}
