import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { Site as CloudSite, type SiteOptions } from '@protector/cloudsim';
import { DbBus } from '../../src/bus/index.js';
import { testDatabaseUrl } from './test-db.js';
import { openDatabase, syncDatabase, type Database } from '../../src/db/index.js';
import { ProtectionGroups, type ProtectionGroup, type ReplicationType } from '../../src/db/protection-groups.js';
import { SecretBox } from '../../src/db/secrets.js';
import { Sites, type Site } from '../../src/db/sites.js';
import type { WorkflowDeps } from '../../src/engine/context.js';
import { Engine, Operations, type OperationRecord, type OperationType, type Workflow } from '../../src/engine/index.js';
import { lifecycleWorkflows } from '../../src/engine/workflows/index.js';
import { createSiteClients, type SiteClients } from '../../src/openstack/index.js';
import { MockStorageDriver } from '../../src/storage/index.js';

export const SECRET_KEY = 'two-sites-test-secret-key';
export const SERVICE_USER = { name: 'protector', password: 'protector-pw' } as const;
export const ALICE = { name: 'alice', password: 'alice-pw' } as const;

/** Replicated and plain volume types, a flavor, a network: what both sites of the pair offer. */
const seed = (site: string): NonNullable<SiteOptions['seed']> => ({
  users: [
    { name: SERVICE_USER.name, password: SERVICE_USER.password, default_project: 'service' },
    { name: ALICE.name, password: ALICE.password, default_project: 'demo' },
  ],
  projects: [{ name: 'demo' }],
  role_assignments: [
    { user: SERVICE_USER.name, project: 'service', role: 'admin' },
    { user: ALICE.name, project: 'demo', role: 'member' },
  ],
  flavors: [{ name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 }],
  networks: [{ name: 'demo-net', project: 'demo', subnets: [{ name: 'demo-subnet', cidr: site === 'site-a' ? '10.20.0.0/24' : '10.30.0.0/24' }] }],
  volume_types: [
    { name: 'replicated-async', extra_specs: { replication_enabled: '<is> True', replication_type: '<in> async', volume_backend_name: 'flasharray' } },
    { name: 'replicated-sync', extra_specs: { replication_enabled: '<is> True', replication_type: '<in> sync', volume_backend_name: 'flasharray' } },
    { name: 'standard', extra_specs: { volume_backend_name: 'flasharray' } },
  ],
});

export interface TwoSites {
  dir: string;
  arrayFile: string;
  dbUrl: string;
  a: CloudSite;
  b: CloudSite;
  db: Kysely<Database>;
  sites: Sites;
  pgs: ProtectionGroups;
  ops: Operations;
  storage: MockStorageDriver;
  deps: WorkflowDeps;
  siteA: Site;
  siteB: Site;
  /** alice's clients on a site (password, scoped to demo), as the tenant would call OpenStack. */
  alice(which: 'a' | 'b'): SiteClients;
  /** An engine running the lifecycle workflows (or `workflows`); call `tryRun` for determinism. */
  engine(owner?: string, opts?: { leaseMs?: number; workflows?: Workflow[] }): Engine;
  /** What the API does on POST /protection-groups: the trusts on both sites, the PG row (creating), the pg_create operation. */
  acceptPg(opts?: { name?: string; replicationType?: ReplicationType }): Promise<{ pg: ProtectionGroup; op: OperationRecord }>;
  /** An operation as the API records it. */
  newOp(pg: ProtectionGroup, type: OperationType, params?: Record<string, unknown>): Promise<OperationRecord>;
  /** A server of alice's on site-a booted from a new volume of `volumeType`. */
  bootServer(name: string, volumeType: string): Promise<{ serverId: string; volumeId: string }>;
  close(): Promise<void>;
}

/** Two cloudsim sites sharing one array file, both registered in one Protector database (site-a local). */
export async function startTwoSites(opts: { dbFile?: boolean } = {}): Promise<TwoSites> {
  const dir = mkdtempSync(join(tmpdir(), 'protector-two-sites-'));
  const arrayFile = join(dir, 'arrays.db');
  const a = await CloudSite.start({ name: 'site-a', basePort: 0, bootTimeMs: 0, array: { name: 'site-a-array', dbPath: arrayFile }, seed: seed('site-a') });
  const b = await CloudSite.start({ name: 'site-b', basePort: 0, bootTimeMs: 0, array: { name: 'site-b-array', dbPath: arrayFile }, seed: seed('site-b') });
  a.arrays.connectArrays('site-a-array', 'site-b-array', { type: 'sync-replication' });

  // A file or server database either way: the crash test's second process opens it too.
  void opts;
  const dbUrl = await testDatabaseUrl();
  const db = openDatabase(dbUrl);
  await syncDatabase(db);
  const sites = new Sites(db, new SecretBox(SECRET_KEY));
  const register = async (s: CloudSite, isLocal: boolean): Promise<Site> => {
    const created = await sites.create({
      name: s.options.name,
      description: '',
      is_local: isLocal,
      auth_url: `${s.url('keystone')}/v3`,
      region_name: 'RegionOne',
      credentials: { username: SERVICE_USER.name, password: SERVICE_USER.password, user_domain_name: 'Default', project_name: 'service', project_domain_name: 'Default' },
      array: { name: s.arrayName, url: s.url('array'), api_token: null },
    });
    if (!created) throw new Error(`could not register ${s.options.name}`);
    return created;
  };
  const siteA = await register(a, true);
  const siteB = await register(b, false);
  const pgs = new ProtectionGroups(db);
  const ops = new Operations(db);
  const storage = new MockStorageDriver({ path: arrayFile, localArray: 'site-a-array', peerArray: 'site-b-array' });
  const deps: WorkflowDeps = { pgs, sites, storage, http: { retries: 0, timeoutMs: 10_000 } };

  const aliceClients = new Map<string, SiteClients>();
  const alice = (which: 'a' | 'b'): SiteClients => {
    let c = aliceClients.get(which);
    if (!c) {
      const s = which === 'a' ? a : b;
      c = createSiteClients({
        authUrl: `${s.url('keystone')}/v3`,
        credentials: { type: 'password', username: ALICE.name, password: ALICE.password, userDomainName: 'Default', scope: { projectName: 'demo', projectDomainName: 'Default' } },
      });
      aliceClients.set(which, c);
    }
    return c;
  };

  const engines: Engine[] = [];
  const engine = (owner = `engine-${randomUUID().slice(0, 8)}`, o: { leaseMs?: number; workflows?: Workflow[] } = {}): Engine => {
    const bus = new DbBus(db, { owner, pollMs: 50 });
    const e = new Engine(new Operations(db), bus, o.workflows ?? lifecycleWorkflows(deps), { owner, concurrency: 1, leaseMs: o.leaseMs ?? 60_000, heartbeatMs: 200, scanMs: 200 });
    engines.push(e);
    return e;
  };

  const newOp = (pg: ProtectionGroup, type: OperationType, params: Record<string, unknown> = {}) =>
    ops.create({ id: randomUUID(), project_id: pg.project_id, pg_id: pg.id, type, params, request_id: `req-${randomUUID()}`, user_id: 'alice' });

  /** The trust the API takes on a site: alice → that site's service user, impersonating, with alice's roles on demo. */
  const takeTrust = async (which: 'a' | 'b'): Promise<{ trustId: string; projectId: string }> => {
    const c = alice(which);
    const me = await c.session.auth();
    const s = which === 'a' ? a : b;
    const trustee = s.keystone.findUser(SERVICE_USER.name, 'default');
    if (!trustee || !me.projectId) throw new Error('seeded users missing');
    const trust = await c.keystone.createTrust({ trustorUserId: me.userId, trusteeUserId: trustee.id, projectId: me.projectId, roles: me.roles, impersonation: true });
    return { trustId: trust.id, projectId: me.projectId };
  };

  const acceptPg = async (o: { name?: string; replicationType?: ReplicationType } = {}) => {
    const ta = await takeTrust('a');
    const tb = await takeTrust('b');
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

  const bootServer = async (name: string, volumeType: string) => {
    const c = alice('a');
    const vol = await c.cinder.createVolume({ size: 1, volume_type: volumeType, name: `${name}-root` });
    await c.cinder.waitForVolumeStatus(vol.id, 'available', { intervalMs: 50, timeoutMs: 10_000 });
    const net = (await c.neutron.listNetworks({ name: 'demo-net' }))[0];
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
    await storage.close();
    await db.destroy();
    await b.stop();
    await a.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  return { dir, arrayFile, dbUrl, a, b, db, sites, pgs, ops, storage, deps, siteA, siteB, alice, engine, acceptPg, newOp, bootServer, close };
}
