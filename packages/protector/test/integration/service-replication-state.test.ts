// The two binaries on one site with the mock driver (issue [10]): protector-engine's refresher
// records a PG's replication state read from the shared array file, and protector-api answers
// health from that record (and recovery points through its off-thread driver).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ArrayModel } from '@protector/arraysim';
import { Site } from '@protector/cloudsim';
import { openDatabase } from '../../src/db/index.js';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { ReplicationStates } from '../../src/db/replication-state.js';
import { SecretBox } from '../../src/db/secrets.js';
import { Sites } from '../../src/db/sites.js';
import { MockStorageDriver } from '../../src/storage/index.js';
import { passwordToken } from '../helpers/api.js';

const bin = (name: string) => fileURLToPath(new URL(`../../src/bin/${name}.ts`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'protector-state-svc-'));
const site = await Site.start({ name: 'site-a', basePort: 0, bootTimeMs: 0 });
const children: ChildProcess[] = [];
after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await site.stop();
  rmSync(dir, { recursive: true, force: true });
});

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const a = s.address();
    s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
  });
});
const SECRET = 'service-test-secret-key';
const arrayFile = join(dir, 'arrays.db');
const dbFile = join(dir, 'p.db');
const file = join(dir, 'protector.conf');
writeFileSync(
  file,
  `[DEFAULT]\nsecret_key = ${SECRET}\nlog_file = ${join(dir, 'services.log')}\n[api]\nbind_port = ${port}\n[database]\nconnection = sqlite:///${dbFile}\n` +
    `[keystone_authtoken]\nauth_url = ${site.url('keystone')}/v3\nusername = admin\npassword = secret\nproject_name = admin\ninterface = public\n` +
    `[engine]\npoll_interval = 0.2\nreplication_poll_interval = 1\n[storage]\ndriver = mock\nmock_storage_path = ${arrayFile}\n`,
);

const start = (name: string): ChildProcess => {
  const child = spawn(process.execPath, ['--import', 'tsx', bin(name), '--config-file', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
};

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('protector-engine records the state it reads from the arrays; protector-api answers health from it', { timeout: 180_000 }, async () => {
  assert.equal(spawnSync(process.execPath, ['--import', 'tsx', bin('protector-manage'), '--config-file', file, 'db', 'sync']).status, 0);
  // The arrays' file as cloudsim keeps it: two linked arrays, a protected volume replicated once.
  const host = ArrayModel.open(arrayFile);
  after(() => host.close());
  host.createArray('site-a-array');
  host.createArray('site-b-array');
  host.connectArrays('site-a-array', 'site-b-array', { bandwidth: 1024 * 1024 * 1024, latency_ms: 1 });
  host.createVolume('site-a-array', 'volume-v1-cinder', 1024 * 1024);
  const storage = new MockStorageDriver({ model: host, localArray: 'site-a-array', peerArray: 'site-b-array' });

  const db = openDatabase(`sqlite:///${dbFile}`);
  after(() => db.destroy());
  const sites = new Sites(db, new SecretBox(SECRET));
  const register = (name: string, isLocal: boolean) =>
    sites.create({ name, description: '', is_local: isLocal, auth_url: `${site.url('keystone')}/v3`, region_name: 'RegionOne', credentials: { username: 'admin', password: 'secret', user_domain_name: 'Default', project_name: 'admin', project_domain_name: 'Default' }, array: { name: `${name}-array`, url: null, api_token: null } });
  const [a, b] = [await register('site-a', true), await register('site-b', false)];
  const project = site.keystone.ensureProject('admin', 'default').id;
  const id = randomUUID();
  const handle = await storage.createReplicationGroup({ id, name: 'svc', replicationType: 'async', intervalSeconds: 3600, retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 } });
  await storage.addVolumes(handle, ['volume-v1-cinder']);
  const point = await storage.snapshotNow(handle, { replicate: true });
  await new Promise((r) => setTimeout(r, 20));
  host.tick();
  const pgs = new ProtectionGroups(db);
  await pgs.create({ id, project_id: project, name: 'svc', description: '', replication_type: 'async', status: 'active', primary_site_id: a!.id, secondary_site_id: b!.id, current_primary_site_id: a!.id, resources: { sites: {}, array: handle } });
  await pgs.putMember({ id: randomUUID(), pg_id: id, server_id: randomUUID(), name: 'svc-1', boot_order: 0, details: { flavor_id: 'f', flavor_name: 'f', image_id: null, availability_zone: null, key_name: null, ports: [], volumes: [] } });

  start('protector-engine');
  const state = await until('the engine to record the PG state', async () => (await new ReplicationStates(db).get(id)) ?? undefined);
  assert.deepEqual([state.link, state.newest_recovery_point, state.error], ['connected', point.name, null]);
  assert.match(state.checked_by, /:\d+$/, 'the engine names itself host:pid');

  start('protector-api');
  const url = `http://127.0.0.1:${port}`;
  await until('protector-api', async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined));
  const token = await passwordToken(`${site.url('keystone')}/v3`, 'admin', 'secret', 'admin');
  const health = await (await fetch(`${url}/v1/${project}/health`, { headers: { 'X-Auth-Token': token } })).json() as { health: { protection_group_id: string; link: string; checked_at: string | null; stale: boolean; failover_ready: boolean; reasons: string[] }[] };
  const h = health.health.find((x) => x.protection_group_id === id);
  assert.ok(h?.checked_at, JSON.stringify(health));
  assert.deepEqual([h.link, h.stale, h.failover_ready], ['connected', false, true], h.reasons.join('; '));
  // The API's own array reads go through its off-thread driver on the same file.
  const rps = await fetch(`${url}/v1/${project}/protection-groups/${id}/recovery-points`, { headers: { 'X-Auth-Token': token } });
  assert.equal(rps.status, 200);
  assert.deepEqual(((await rps.json()) as { recovery_points: { id: string }[] }).recovery_points.map((p) => p.id), [point.name]);

  for (const c of children) c.kill('SIGTERM');
  const codes = await Promise.all(children.map((c) => (c.exitCode !== null ? c.exitCode : new Promise<number | null>((r) => c.once('exit', r)))));
  assert.deepEqual(codes, [0, 0]);
});
