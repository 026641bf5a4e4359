import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, SitesTable } from './schema.js';
import type { SecretBox } from './secrets.js';

/** Service credentials Protector uses on a site's Keystone (and through it, the other services). */
export interface SiteCredentials {
  username: string;
  password: string;
  user_domain_name: string;
  project_name: string;
  project_domain_name: string;
}

/** The site's storage array: its name, REST endpoint and API token (the token is a secret). */
export interface SiteArray {
  name: string;
  url: string | null;
  api_token: string | null;
}

/**
 * The secret the two sites of the pair share (DESIGN §5.6), kept on the peer site's row. The
 * previous one still verifies, so documents signed just before a rotation are accepted.
 */
export interface SitePairing {
  current: string;
  previous: string | null;
  set_at: number;
}

export interface Site {
  id: string;
  name: string;
  description: string;
  is_local: boolean;
  auth_url: string;
  region_name: string;
  credentials: SiteCredentials;
  array: SiteArray;
  pairing: SitePairing | null;
  created_at: number;
  updated_at: number;
}

export type NewSite = Omit<Site, 'id' | 'created_at' | 'updated_at' | 'pairing'>;
export type SiteChange = Partial<Omit<NewSite, 'credentials'>> & { credentials?: Partial<SiteCredentials> };

/** The sites table; credentials and array secrets are sealed at rest and opened only here. */
export class Sites {
  constructor(
    private readonly db: Kysely<Database>,
    /** Seals what is stored secret (also the recovery plans' hook secrets, opened by the engine). */
    readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  private open(r: Selectable<SitesTable>): Site {
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      is_local: r.is_local === 1,
      auth_url: r.auth_url,
      region_name: r.region_name,
      credentials: this.box.openJson<SiteCredentials>(r.credentials),
      array: this.box.openJson<SiteArray>(r.array_config),
      pairing: r.pairing === null ? null : this.box.openJson<SitePairing>(r.pairing),
      created_at: r.created_at,
      updated_at: r.updated_at,
    };
  }

  async list(): Promise<Site[]> {
    return (await this.db.selectFrom('sites').selectAll().orderBy('name').execute()).map((r) => this.open(r));
  }

  async get(id: string): Promise<Site | undefined> {
    const r = await this.db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
    return r && this.open(r);
  }

  async findByName(name: string): Promise<Site | undefined> {
    const r = await this.db.selectFrom('sites').selectAll().where('name', '=', name).executeTakeFirst();
    return r && this.open(r);
  }

  /** Null when the name is taken (the caller answers 409). */
  async create(s: NewSite): Promise<Site | null> {
    const now = this.now();
    const id = randomUUID();
    if (await this.findByName(s.name)) return null;
    await this.db
      .insertInto('sites')
      .values({
        id, name: s.name, description: s.description, is_local: s.is_local ? 1 : 0, auth_url: s.auth_url, region_name: s.region_name,
        credentials: this.box.sealJson(s.credentials), array_config: this.box.sealJson(s.array), pairing: null, created_at: now, updated_at: now,
      })
      .execute();
    return (await this.get(id)) ?? null;
  }

  async update(id: string, change: SiteChange): Promise<Site | undefined> {
    const cur = await this.get(id);
    if (!cur) return undefined;
    const credentials = { ...cur.credentials, ...change.credentials };
    const array = { ...cur.array, ...change.array };
    await this.db
      .updateTable('sites')
      .set({
        name: change.name ?? cur.name,
        description: change.description ?? cur.description,
        is_local: (change.is_local ?? cur.is_local) ? 1 : 0,
        auth_url: change.auth_url ?? cur.auth_url,
        region_name: change.region_name ?? cur.region_name,
        credentials: this.box.sealJson(credentials),
        array_config: this.box.sealJson(array),
        updated_at: this.now(),
      })
      .where('id', '=', id)
      .execute();
    return this.get(id);
  }

  /**
   * Stores the pair's secret on this (peer) site's row; a different secret rotates, keeping the
   * one before it for verification. Setting the same secret again changes nothing.
   */
  async setPairing(id: string, secret: string): Promise<{ site: Site; rotated: boolean } | undefined> {
    const cur = await this.get(id);
    if (!cur) return undefined;
    if (cur.pairing?.current === secret) return { site: cur, rotated: false };
    const pairing: SitePairing = { current: secret, previous: cur.pairing?.current ?? null, set_at: this.now() };
    await this.db.updateTable('sites').set({ pairing: this.box.sealJson(pairing), updated_at: this.now() }).where('id', '=', id).execute();
    return { site: (await this.get(id)) as Site, rotated: cur.pairing !== null };
  }

  /** What still refers to the site (a site in use cannot be deleted). */
  async references(id: string): Promise<{ tenant_mappings: number; protection_groups: number }> {
    const tm = await this.db.selectFrom('tenant_mappings').select((eb) => eb.fn.countAll<number>().as('n')).where('remote_site_id', '=', id).executeTakeFirst();
    const pg = await this.db
      .selectFrom('protection_groups')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or([eb('primary_site_id', '=', id), eb('secondary_site_id', '=', id)]))
      .executeTakeFirst();
    return { tenant_mappings: Number(tm?.n ?? 0), protection_groups: Number(pg?.n ?? 0) };
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('sites').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }
}

/** A registration's array as the pure storage driver reaches it (missing parts are empty: the driver names them). */
export const arrayEndpoint = (s: Site): { url: string; apiToken: string } => ({ url: s.array.url ?? '', apiToken: s.array.api_token ?? '' });

/**
 * This service's site and the peer it is paired with. A deployment pairs two sites (DESIGN §1),
 * but more may be registered (a replacement being prepared, say): the peer is the one paired
 * with this site, or the only other one while none is paired yet.
 */
export function localPair(sites: readonly Site[]): { local: Site; peer: Site } | undefined {
  const local = sites.find((s) => s.is_local);
  const others = sites.filter((s) => !s.is_local);
  const paired = others.filter((s) => s.pairing !== null);
  const peer = paired.length === 1 ? paired[0] : paired.length === 0 && others.length === 1 ? others[0] : undefined;
  return local && peer ? { local, peer } : undefined;
}
