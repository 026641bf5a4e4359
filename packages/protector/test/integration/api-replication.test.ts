// Recovery points and health through the API, with the PG's array construct on the simulated
// array pair: what the array has fully transferred is a recovery point; lag and RPO decide health.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { MockStorageDriver } from '../../src/storage/index.js';
import { startApi } from '../helpers/api.js';
import { activePg } from '../helpers/api-pg.js';

const h = await startApi({ peer: true });
type Health = { health: { protection_group_id: string; link: string | null; lag_seconds: number | null; rpo_compliant: boolean; failover_ready: boolean; reasons: string[] }[] };

test('recovery points are the fully transferred copies; health follows lag, link and RPO', async () => {
  const alice = await h.token('alice');
  const pgId = await activePg(h, 'replicated');
  const pgs = new ProtectionGroups(h.deps.db);
  const arrays = h.site.arrays;
  const storage = new MockStorageDriver({ model: arrays, localArray: 'site-a-array', peerArray: 'peer-array' });
  // What pg_create's and member_add's array steps leave behind.
  const handle = await storage.createReplicationGroup({ id: pgId, name: 'replicated', replicationType: 'async', intervalSeconds: 3600, retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 } });
  await pgs.setResources(pgId, (r) => ({ ...r, array: handle }));
  arrays.createVolume('site-a-array', 'volume-v1-cinder', 1024 * 1024);
  await storage.addVolumes(handle, ['volume-v1-cinder']);
  await pgs.putMember({ id: 'm1', pg_id: pgId, server_id: 's1', name: 'web-1', boot_order: 0, details: { flavor_id: 'f', flavor_name: 'f', image_id: null, availability_zone: null, key_name: null, ports: [], volumes: [] } });

  const health = async () => (await h.call<Health>('GET', `/v1/${h.projects.demo}/health`, { token: alice })).body.health.find((x) => x.protection_group_id === pgId)!;
  let hl = await health();
  assert.equal(hl.failover_ready, false);
  assert.ok(hl.reasons.some((r) => /no recovery point/.test(r)), hl.reasons.join('; '));

  await storage.snapshotNow(handle, { replicate: true });
  arrays.tick();
  const rps = await h.call<{ recovery_points: { id: string; volumes: string[] }[] }>('GET', `/v1/${h.projects.demo}/protection-groups/${pgId}/recovery-points`, { token: alice });
  assert.equal(rps.status, 200, rps.text);
  assert.equal(rps.body.recovery_points.length, 1);
  assert.match(rps.body.recovery_points[0]!.id, /^site-a-array:protector-/);
  assert.deepEqual(rps.body.recovery_points[0]!.volumes, ['volume-v1-cinder']);

  hl = await health();
  assert.equal(hl.link, 'connected');
  assert.equal(hl.rpo_compliant, true);
  assert.equal(hl.failover_ready, true, hl.reasons.join('; '));
  const metrics = await h.call('GET', '/metrics', { token: null });
  assert.match(metrics.text, new RegExp(`protector_rpo_compliant\\{[^}]*pg_id="${pgId}"[^}]*\\} 1`));

  arrays.linkDown('site-a-array', 'peer-array');
  hl = await health();
  assert.equal(hl.failover_ready, false);
  assert.ok(hl.reasons.some((r) => /replication link .* is down/.test(r)), hl.reasons.join('; '));
  arrays.linkUp('site-a-array', 'peer-array');

  // Another project sees neither the PG nor its recovery points.
  const carol = await h.token('carol');
  assert.equal((await h.call('GET', `/v1/${h.projects.other}/protection-groups/${pgId}/recovery-points`, { token: carol })).status, 404);
  assert.deepEqual((await h.call<Health>('GET', `/v1/${h.projects.other}/health`, { token: carol })).body.health, []);
});

test('the action endpoint takes exactly one known action; sync records an operation for the engine', async () => {
  const alice = await h.token('alice');
  const pgId = await activePg(h, 'action-target');
  const path = `/v1/${h.projects.demo}/protection-groups/${pgId}/action`;
  type Err = { error: { message: string } };
  const noArray = await h.call<Err>('POST', path, { token: alice, body: { sync: {} } });
  assert.equal(noArray.status, 409);
  assert.match(noArray.body.error.message, /no array construct yet/);
  const storage = new MockStorageDriver({ model: h.site.arrays, localArray: 'site-a-array', peerArray: 'peer-array' });
  const handle = await storage.createReplicationGroup({ id: pgId, name: 'action-target', replicationType: 'async', intervalSeconds: 3600, retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 } });
  await new ProtectionGroups(h.deps.db).setResources(pgId, (r) => ({ ...r, array: handle }));
  assert.match((await h.call<Err>('POST', path, { token: alice, body: {} })).body.error.message, /field\/attribute body\. Must NOT have fewer than 1 properties/);
  assert.match((await h.call<Err>('POST', path, { token: alice, body: { failover: { type: 'sideways' } } })).body.error.message, /field\/attribute failover\.type/);
  assert.match((await h.call<Err>('POST', path, { token: alice, body: { failover: { type: 'planned', hurry: true } } })).body.error.message, /field\/attribute failover\.hurry\. Additional properties are not allowed/);
  assert.match((await h.call<Err>('POST', path, { token: alice, body: { sync: {}, failback: {} } })).body.error.message, /Must NOT have more than 1 properties/);
  assert.equal((await h.call('POST', path, { token: await h.token('bob'), body: { sync: {} } })).status, 403);
  const ok = await h.call<{ operation: { id: string; type: string; status: string } }>('POST', path, { token: alice, body: { sync: {} } });
  assert.equal(ok.status, 202, ok.text);
  assert.deepEqual([ok.body.operation.type, ok.body.operation.status], ['replicate', 'pending']);
  assert.equal((await h.call('POST', path, { token: alice, body: { sync: {} } })).status, 409, 'one operation per PG');
});
