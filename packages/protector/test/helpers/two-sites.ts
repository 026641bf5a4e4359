import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { Site as CloudSite, type SiteOptions } from '@protector/cloudsim';
import { DbBus } from '../../src/bus/index.js';
import { testDatabaseUrl } from './test-db.js';
import { openDatabase, syncDatabase, type Database } from '../../src/db/index.js';
import { mapResourceSites, ProtectionGroups, type ProtectionGroup, type ReplicationType } from '../../src/db/protection-groups.js';
import { SecretBox } from '../../src/db/secrets.js';
import { arrayEndpoint, Sites, type Site } from '../../src/db/sites.js';
import { TenantMappings } from '../../src/db/tenant-mappings.js';
import type { WorkflowDeps } from '../../src/engine/context.js';
import { Engine, Operations, type OperationRecord, type OperationType, type Workflow } from '../../src/engine/index.js';
import { lifecycleWorkflows } from '../../src/engine/workflows/index.js';
import { createSiteClients, type SiteClients } from '@protector/openstack';
import { createPureDriver, MockStorageDriver, type StorageDriver } from '../../src/storage/index.js';
import { createSelfSignedTls, type RateLimit } from '@protector/arraysim/rest';
import { TEST_STORAGE } from './test-storage.js';

export const SECRET_KEY = 'two-sites-test-secret-key';
export const SERVICE_USER = { name: 'protector', password: 'protector-pw' } as const;
export const ALICE = { name: 'alice', password: 'alice-pw' } as const;
/** A member of another project, tenant-b: the tenant boundary tests' attacker. */
export const MALLORY = { name: 'mallory', password: 'mallory-pw' } as const;
/** An SRE with the seed product's dr_site_admin role (on the service project): may fail a whole site over. */
export const SRE = { name: 'sre', password: 'sre-pw' } as const;

/** The tenants whose workloads the DR tests protect: their user, project and networks (source, and recovery on site-b). */
export const TENANTS = {
  alice: { name: ALICE.name, password: ALICE.password, project: 'demo', network: 'demo-net', recoveryNetwork: 'dr-net' },
  mallory: { name: MALLORY.name, password: MALLORY.password, project: 'tenant-b', network: 'b-net', recoveryNetwork: 'b-dr-net' },
} as const;
export type Tenant = keyof typeof TENANTS;

/** Replicated and plain volume types, a flavor, a network: what both sites of the pair offer. */
const seed = (site: string): NonNullable<SiteOptions['seed']> => ({
  users: [
    { name: SERVICE_USER.name, password: SERVICE_USER.password, default_project: 'service' },
    { name: ALICE.name, password: ALICE.password, default_project: 'demo' },
    { name: MALLORY.name, password: MALLORY.password, default_project: 'tenant-b' },
    { name: SRE.name, password: SRE.password, default_project: 'service' },
  ],
  projects: [{ name: 'demo' }, { name: 'tenant-b' }],
  roles: ['dr_site_admin'],
  role_assignments: [
    { user: SERVICE_USER.name, project: 'service', role: 'admin' },
    { user: ALICE.name, project: 'demo', role: 'member' },
    { user: MALLORY.name, project: 'tenant-b', role: 'member' },
    // dr_site_admin for the site failover; member, to follow the run it records in its own project.
    { user: SRE.name, project: 'service', role: 'dr_site_admin' },
    { user: SRE.name, project: 'service', role: 'member' },
  ],
  flavors: [{ name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 }],
  networks: [
    // /20: room for the scale benchmark's 1,000 servers (and their probes) on one network.
    { name: 'demo-net', project: 'demo', subnets: [{ name: 'demo-subnet', cidr: site === 'site-a' ? '10.20.0.0/20' : '10.30.0.0/20' }] },
    // site-b's recovery network mirrors site-a's addressing, so failed-over ports keep their IPs.
    ...(site === 'site-b' ? [{ name: 'dr-net', project: 'demo', subnets: [{ name: 'dr-subnet', cidr: '10.20.0.0/20' }] }] : []),
    // tenant-b's own, for the tests that protect workloads of two projects.
    { name: 'b-net', project: 'tenant-b', subnets: [{ name: 'b-subnet', cidr: site === 'site-a' ? '10.40.0.0/24' : '10.50.0.0/24' }] },
    ...(site === 'site-b' ? [{ name: 'b-dr-net', project: 'tenant-b', subnets: [{ name: 'b-dr-subnet', cidr: '10.40.0.0/24' }] }] : []),
  ],
  volume_types: [
    { name: 'replicated-async', extra_specs: { replication_enabled: '<is> True', replication_type: '<in> async', volume_backend_name: 'flasharray' } },
    { name: 'replicated-sync', extra_specs: { replication_enabled: '<is> True', replication_type: '<in> sync', volume_backend_name: 'flasharray' } },
    { name: 'standard', extra_specs: { volume_backend_name: 'flasharray' } },
  ],
});

/** One site's Protector: database, repositories, storage driver, engines. */
export interface SiteProtector {
  dbUrl: string;
  db: Kysely<Database>;
  sites: Sites;
  pgs: ProtectionGroups;
  ops: Operations;
  storage: StorageDriver;
  deps: WorkflowDeps;
  /** This database's registrations of the two sites. */
  siteA: Site;
  siteB: Site;
  engine(owner?: string, opts?: { leaseMs?: number; workflows?: Workflow[]; /** DR operations at once (lifecycle: one). */ concurrency?: number }): Engine;
  newOp(pg: ProtectionGroup, type: OperationType, params?: Record<string, unknown>): Promise<OperationRecord>;
  /** Runs the operation with a fresh engine until it is finished. */
  run(id: string): Promise<OperationRecord>;
}

/** site-a's Protector's fields (the DR tests use atA and atB by name). */
export interface TwoSites extends Omit<SiteProtector, 'run'> {
  dir: string;
  arrayFile: string;
  a: CloudSite;
  b: CloudSite;
  /** alice's clients on a site (password, scoped to demo), as the tenant would call OpenStack. */
  alice(which: 'a' | 'b'): SiteClients;
  /** A tenant's clients on a site: alice (demo) or mallory (tenant-b). */
  clientsOf(which: 'a' | 'b', tenant?: Tenant): SiteClients;
  /** What the API does on POST /protection-groups: the trusts on both sites, the PG row (creating), the pg_create operation. */
  acceptPg(opts?: { name?: string; replicationType?: ReplicationType; tenant?: Tenant }): Promise<{ pg: ProtectionGroup; op: OperationRecord }>;
  /** Protector on site-b: its own database (both sites registered, site-b local) and driver (site-b-array local). */
  atB: SiteProtector;
  /** Protector on site-a (the fields above, as a SiteProtector). */
  atA: SiteProtector;
  /**
   * What the client does after a change (DESIGN §5): the PG's document pushed from one site's
   * database to the other's (site ids translated by name), then acknowledged: both in_sync.
   */
  push(pgId: string, from: 'a' | 'b'): Promise<void>;
  /** A server of alice's on site-a booted from a new volume of `volumeType`. */
  bootServer(name: string, volumeType: string, tenant?: Tenant): Promise<{ serverId: string; volumeId: string }>;
  /** The CA of both arrays' REST faces (PEM), for a pure driver in another process. */
  arrayCa: string;
  /** Pure driver: every back-off its REST sessions took (429, retries), in ms. */
  sessionWaits: number[];
  close(): Promise<void>;
}


/** Two cloudsim sites sharing one array file, both registered in one Protector database (site-a local). */
export async function startTwoSites(
  opts: {
    dbFile?: boolean;
    /** The storage driver, whatever PROTECTOR_TEST_STORAGE says (tests of REST-only faults). */
    storage?: 'mock' | 'pure';
    /** How both arrays' REST faces behave: a rate limit, a short session idle time. */
    arrayFace?: { rateLimit?: RateLimit; sessionIdleMs?: number };
  } = {},
): Promise<TwoSites> {
  const storageDriver = opts.storage ?? TEST_STORAGE;
  const sessionWaits: number[] = [];
  const sessionSleep = (ms: number): Promise<void> => {
    sessionWaits.push(ms);
    return new Promise((r) => setTimeout(r, ms));
  };
  const dir = mkdtempSync(join(tmpdir(), 'protector-two-sites-'));
  const arrayFile = join(dir, 'arrays.db');
  // One CA for both array faces, as in the lab: the pure driver trusts it.
  const tls = await createSelfSignedTls();
  const a = await CloudSite.start({ name: 'site-a', basePort: 0, bootTimeMs: 0, array: { name: 'site-a-array', dbPath: arrayFile, tls, ...opts.arrayFace }, seed: seed('site-a') });
  const b = await CloudSite.start({ name: 'site-b', basePort: 0, bootTimeMs: 0, array: { name: 'site-b-array', dbPath: arrayFile, tls, ...opts.arrayFace }, seed: seed('site-b') });
  a.arrays.connectArrays('site-a-array', 'site-b-array', { type: 'sync-replication' });

  const engines: Engine[] = [];
  const protectorAt = async (local: 'a' | 'b'): Promise<SiteProtector> => {
    // A file or server database either way: the crash test's second process opens it too.
    const dbUrl = await testDatabaseUrl();
    const db = openDatabase(dbUrl);
    await syncDatabase(db);
    const sites = new Sites(db, new SecretBox(SECRET_KEY));
    const register = async (s: CloudSite): Promise<Site> => {
      const created = await sites.create({
        name: s.options.name,
        description: '',
        is_local: s === (local === 'a' ? a : b),
        auth_url: `${s.url('keystone')}/v3`,
        region_name: 'RegionOne',
        credentials: { username: SERVICE_USER.name, password: SERVICE_USER.password, user_domain_name: 'Default', project_name: 'service', project_domain_name: 'Default' },
        array: { name: s.arrayName, url: s.url('array'), api_token: storageDriver === 'pure' ? s.arrays.createApiToken(s.arrayName, `protector-${local}`) : null },
      });
      if (!created) throw new Error(`could not register ${s.options.name}`);
      return created;
    };
    const siteA = await register(a);
    const siteB = await register(b);
    const pgs = new ProtectionGroups(db);
    const ops = new Operations(db);
    const arrays = { localArray: local === 'a' ? 'site-a-array' : 'site-b-array', peerArray: local === 'a' ? 'site-b-array' : 'site-a-array' };
    const storage: StorageDriver =
      storageDriver === 'pure'
        ? createPureDriver({ ...arrays, local: arrayEndpoint(local === 'a' ? siteA : siteB), peer: arrayEndpoint(local === 'a' ? siteB : siteA), session: { ca: tls.ca, sleep: sessionSleep }, pollIntervalMs: 100 })
        : new MockStorageDriver({ path: arrayFile, ...arrays, pollIntervalMs: 100 });
    const deps: WorkflowDeps = { pgs, sites, storage, http: { retries: 0, timeoutMs: 10_000 } };
    const engine = (owner = `engine-${local}-${randomUUID().slice(0, 8)}`, o: { leaseMs?: number; workflows?: Workflow[]; concurrency?: number } = {}): Engine => {
      const bus = new DbBus(db, { owner, pollMs: 50 });
      const e = new Engine(new Operations(db), bus, o.workflows ?? lifecycleWorkflows(deps, { stepTimeoutMs: 20_000 }), { owner, capacity: { dr: o.concurrency ?? 1, lifecycle: 1 }, leaseMs: o.leaseMs ?? 60_000, heartbeatMs: 200, scanMs: 200 });
      engines.push(e);
      return e;
    };
    const newOp = (pg: ProtectionGroup, type: OperationType, params: Record<string, unknown> = {}) =>
      ops.create({ id: randomUUID(), project_id: pg.project_id, pg_id: pg.id, type, params, request_id: `req-${randomUUID()}`, user_id: 'alice' });
    const run = async (id: string): Promise<OperationRecord> => {
      const e = engine();
      await e.tryRun(id);
      return (await ops.get(id)) as OperationRecord;
    };
    return { dbUrl, db, sites, pgs, ops, storage, deps, siteA, siteB, engine, newOp, run };
  };
  const atA = await protectorAt('a');
  const atB = await protectorAt('b');
  // Each project is mapped to its namesake on the peer, as an administrator does (the engine acts through trusts only in mapped projects).
  const projectOf = (s: CloudSite, name: string): string => s.keystone.projects.find((p) => p.name === name)?.id ?? '';
  for (const [p, here, there] of [[atA, a, b], [atB, b, a]] as const) {
    const peer = here === a ? p.siteB : p.siteA;
    for (const name of ['demo', 'tenant-b']) await new TenantMappings(p.db).create({ local_project_id: projectOf(here, name), remote_site_id: peer.id, remote_project_id: projectOf(there, name), description: `${name} ↔ ${name}` });
  }
  /** A PG's project on the other site of the pair. */
  const projectThere = async (src: SiteProtector, projectId: string): Promise<string> => {
    const m = await new TenantMappings(src.db).find(projectId, src === atA ? atA.siteB.id : atB.siteA.id);
    if (!m) throw new Error(`project ${projectId} is not mapped to the peer`);
    return m.remote_project_id;
  };
  const { dbUrl, db, sites, pgs, ops, storage, deps, siteA, siteB } = atA;
  void opts;

  const push = async (pgId: string, from: 'a' | 'b'): Promise<void> => {
    const [src, dst] = from === 'a' ? [atA, atB] : [atB, atA];
    const pg = await src.pgs.get(pgId);
    if (!pg) throw new Error(`no PG ${pgId} on site-${from}`);
    const names = new Map([[src.siteA.id, dst.siteA.id], [src.siteB.id, dst.siteB.id]]);
    const tr = (id: string): string => names.get(id) ?? id;
    const resources = mapResourceSites(pg.resources, tr);
    if (!(await dst.pgs.get(pgId))) {
      await dst.pgs.create({ id: pg.id, project_id: await projectThere(src, pg.project_id), name: pg.name, description: pg.description, replication_type: pg.replication_type, status: pg.status, primary_site_id: tr(pg.primary_site_id), secondary_site_id: tr(pg.secondary_site_id), current_primary_site_id: tr(pg.current_primary_site_id), resources });
    }
    await dst.db
      .updateTable('protection_groups')
      .set({ status: pg.status, current_primary_site_id: tr(pg.current_primary_site_id), resources: JSON.stringify(resources), metadata_version: pg.metadata_version, sync_state: 'in_sync' })
      .where('id', '=', pgId)
      .execute();
    await dst.db.deleteFrom('members').where('pg_id', '=', pgId).execute();
    for (const m of await src.pgs.members(pgId)) await dst.pgs.putMember({ id: m.id, pg_id: pgId, server_id: m.server_id, name: m.name, boot_order: m.boot_order, details: m.details });
    const policy = await src.pgs.policy(pgId);
    if (policy) await dst.pgs.setPolicy(pgId, policy);
    await dst.pgs.replaceMappings(pgId, (await src.pgs.mappings(pgId)).map((m) => ({ ...m, source_site_id: tr(m.source_site_id) })));
    await src.pgs.update(pgId, { sync_state: 'in_sync' });
  };
  const tenantClients = new Map<string, SiteClients>();
  const clientsOf = (which: 'a' | 'b', tenant: Tenant = 'alice'): SiteClients => {
    let c = tenantClients.get(`${which}/${tenant}`);
    if (!c) {
      const s = which === 'a' ? a : b;
      const u = TENANTS[tenant];
      c = createSiteClients({
        authUrl: `${s.url('keystone')}/v3`,
        credentials: { type: 'password', username: u.name, password: u.password, userDomainName: 'Default', scope: { projectName: u.project, projectDomainName: 'Default' } },
      });
      tenantClients.set(`${which}/${tenant}`, c);
    }
    return c;
  };
  const alice = (which: 'a' | 'b'): SiteClients => clientsOf(which, 'alice');

  const engine = atA.engine;
  const newOp = atA.newOp;

  /** The trust the API takes on a site: alice → that site's service user, impersonating, with alice's roles on demo. */
  const takeTrust = async (which: 'a' | 'b', tenant: Tenant = 'alice'): Promise<{ trustId: string; projectId: string }> => {
    const c = clientsOf(which, tenant);
    const me = await c.session.auth();
    const s = which === 'a' ? a : b;
    const trustee = s.keystone.findUser(SERVICE_USER.name, 'default');
    if (!trustee || !me.projectId) throw new Error('seeded users missing');
    const trust = await c.keystone.createTrust({ trustorUserId: me.userId, trusteeUserId: trustee.id, projectId: me.projectId, roles: me.roles, impersonation: true });
    return { trustId: trust.id, projectId: me.projectId };
  };

  const acceptPg = async (o: { name?: string; replicationType?: ReplicationType; tenant?: Tenant } = {}) => {
    const ta = await takeTrust('a', o.tenant);
    const tb = await takeTrust('b', o.tenant);
    const pg = await pgs.create({
      id: randomUUID(),
      project_id: ta.projectId,
      name: o.name ?? `pg-${randomUUID().slice(0, 6)}`,
      description: '',
      replication_type: o.replicationType ?? 'async',
      status: 'creating',
      primary_site_id: siteA.id,
      secondary_site_id: siteB.id,
      current_primary_site_id: siteA.id,
      resources: { sites: { [siteA.id]: { trust_id: ta.trustId }, [siteB.id]: { trust_id: tb.trustId } } },
    });
    if (!pg) throw new Error('PG name taken');
    return { pg, op: await newOp(pg, 'pg_create') };
  };

  const bootServer = async (name: string, volumeType: string, tenant: Tenant = 'alice') => {
    const c = clientsOf('a', tenant);
    const vol = await c.cinder.createVolume({ size: 1, volume_type: volumeType, name: `${name}-root` });
    await c.cinder.waitForVolumeStatus(vol.id, 'available', { intervalMs: 50, timeoutMs: 10_000 });
    const net = (await c.neutron.listNetworks({ name: TENANTS[tenant].network }))[0];
    const flavor = await c.nova.findFlavorByName('m1.tiny');
    if (!net || !flavor) throw new Error('seeded network or flavor missing');
    const { id } = await c.nova.createServer({
      name,
      flavorRef: flavor.id,
      networks: [{ uuid: net.id }],
      block_device_mapping_v2: [{ source_type: 'volume', destination_type: 'volume', uuid: vol.id, boot_index: 0 }],
    });
    await c.nova.waitForServerStatus(id, 'ACTIVE', { intervalMs: 50, timeoutMs: 10_000 });
    return { serverId: id, volumeId: vol.id };
  };

  const close = async () => {
    for (const e of engines) await e.stop(1000).catch(() => {});
    for (const p of [atA, atB]) {
      await p.storage.close();
      await p.db.destroy();
    }
    await b.stop();
    await a.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  return { dir, arrayFile, dbUrl, a, b, db, sites, pgs, ops, storage, deps, siteA, siteB, alice, clientsOf, engine, acceptPg, newOp, bootServer, atA, atB, push, sessionWaits, arrayCa: tls.ca, close };
}
