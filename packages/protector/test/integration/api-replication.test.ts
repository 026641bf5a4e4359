// Recovery points and health through the API, with the PG's array construct on the simulated
// array pair: what the array has fully transferred is a recovery point; health is answered from the
// replication state the engine's refresher records (lag, link and RPO as of checked_at), never by
// asking the arrays in the request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { ReplicationRefresher } from '../../src/engine/index.js';
import { MockStorageDriver } from '../../src/storage/index.js';
import { startApi } from '../helpers/api.js';
import { activePg } from '../helpers/api-pg.js';

const h = await startApi({ peer: true });
type PgHealth = {
  protection_group_id: string;
  link: string | null;
  lag_seconds: number | null;
  rpo_compliant: boolean;
  failover_ready: boolean;
  reasons: string[];
  checked_at: string | null;
  state_age_seconds: number | null;
  stale: boolean;
  state_error: string | null;
  transfer_in_progress: boolean;
};
type Health = { health: PgHealth[] };

const storage = new MockStorageDriver({ model: h.site.arrays, localArray: 'site-a-array', peerArray: 'peer-array' });
/** What the engine's background refresh does every interval, run once, reading the arrays at `now`. */
const refresh = (now = Date.now) => new ReplicationRefresher(h.deps.db, storage, { owner: 'test-engine', intervalMs: 30_000, now }).refresh();

/** An active PG with one member and its async construct on the arrays, as pg_create and member_add leave it. */
async function pgWithArray(name: string): Promise<string> {
  const pgId = await activePg(h, name);
  const handle = await storage.createReplicationGroup({ id: pgId, name, replicationType: 'async', intervalSeconds: 3600, retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 } });
  await new ProtectionGroups(h.deps.db).setResources(pgId, (r) => ({ ...r, array: handle }));
  h.site.arrays.createVolume('site-a-array', `volume-${name}-cinder`, 1024 * 1024);
  await storage.addVolumes(handle, [`volume-${name}-cinder`]);
  await new ProtectionGroups(h.deps.db).putMember({ id: `m-${name}`, pg_id: pgId, server_id: `s-${name}`, name: `${name}-1`, boot_order: 0, details: { flavor_id: 'f', flavor_name: 'f', image_id: null, availability_zone: null, key_name: null, ports: [], volumes: [] } });
  return pgId;
}

const healthOf = async (pgId: string): Promise<PgHealth> => {
  const r = await h.call<Health>('GET', `/v1/${h.projects.demo}/health`, { token: await h.token('alice') });
  assert.equal(r.status, 200, r.text);
  return r.body.health.find((x) => x.protection_group_id === pgId)!;
};

test('recovery points are the fully transferred copies; health follows the recorded lag, link and RPO', async () => {
  const alice = await h.token('alice');
  const pgId = await pgWithArray('replicated');
  const arrays = h.site.arrays;
  const handle = (await new ProtectionGroups(h.deps.db).get(pgId))!.resources.array!;

  let hl = await healthOf(pgId);
  assert.equal(hl.failover_ready, false);
  assert.deepEqual([hl.checked_at, hl.link, hl.stale], [null, null, false]);
  assert.ok(hl.reasons.some((r) => /has not been read from the arrays yet/.test(r)), hl.reasons.join('; '));

  await refresh();
  hl = await healthOf(pgId);
  assert.ok(hl.reasons.some((r) => /no recovery point/.test(r)), hl.reasons.join('; '));
  assert.ok(hl.checked_at !== null && hl.state_age_seconds !== null && hl.state_age_seconds < 60);

  await storage.snapshotNow(handle, { replicate: true });
  arrays.tick();
  const rps = await h.call<{ recovery_points: { id: string; volumes: string[] }[] }>('GET', `/v1/${h.projects.demo}/protection-groups/${pgId}/recovery-points`, { token: alice });
  assert.equal(rps.status, 200, rps.text);
  assert.equal(rps.body.recovery_points.length, 1);
  assert.match(rps.body.recovery_points[0]!.id, /^site-a-array:protector-/);
  assert.deepEqual(rps.body.recovery_points[0]!.volumes, ['volume-replicated-cinder']);

  await refresh();
  hl = await healthOf(pgId);
  assert.equal(hl.link, 'connected');
  assert.equal(hl.rpo_compliant, true);
  assert.equal(hl.failover_ready, true, hl.reasons.join('; '));
  assert.equal(hl.state_error, null);
  const metrics = await h.call('GET', '/metrics', { token: null });
  assert.match(metrics.text, new RegExp(`protector_rpo_compliant\\{[^}]*pg_id="${pgId}"[^}]*\\} 1`));

  // The link goes down: health says so once the state is read again, not before (it asks no array).
  arrays.linkDown('site-a-array', 'peer-array');
  try {
    assert.equal((await healthOf(pgId)).link, 'connected', 'the recorded state until the next refresh');
    await refresh();
    hl = await healthOf(pgId);
    assert.equal(hl.failover_ready, false);
    assert.ok(hl.reasons.some((r) => /replication link .* is down/.test(r)), hl.reasons.join('; '));
  } finally {
    arrays.linkUp('site-a-array', 'peer-array');
  }

  // Another project sees neither the PG nor its recovery points.
  const carol = await h.token('carol');
  assert.equal((await h.call('GET', `/v1/${h.projects.other}/protection-groups/${pgId}/recovery-points`, { token: carol })).status, 404);
  assert.deepEqual((await h.call<Health>('GET', `/v1/${h.projects.other}/health`, { token: carol })).body.health, []);
});

test('health answers from the record while the arrays are unreachable and the driver is away, saying how old it is', async () => {
  const pgId = await pgWithArray('record-only');
  await storage.snapshotNow((await new ProtectionGroups(h.deps.db).get(pgId))!.resources.array!, { replicate: true });
  h.site.arrays.tick();
  await refresh();
  const realStorage = h.deps.storage;
  h.site.arrays.setArrayDown('site-a-array', true);
  h.site.arrays.setArrayDown('peer-array', true);
  // Any use of the storage driver by health would now fail the request.
  h.deps.storage = async () => {
    throw new Error('health must not ask the storage driver');
  };
  try {
    const hl = await healthOf(pgId);
    assert.deepEqual([hl.link, hl.failover_ready, hl.stale], ['connected', true, false], hl.reasons.join('; '));
    assert.ok(hl.checked_at !== null);
    // /healthz does not depend on the arrays either.
    const hz = await h.call<{ status: string }>('GET', '/healthz', { token: null });
    assert.deepEqual([hz.status, hz.body.status], [200, 'ok']);
    // The next refresh records what it finds: both arrays unreachable.
    await refresh();
    const down = await healthOf(pgId);
    assert.equal(down.link, 'down');
    assert.equal(down.failover_ready, false);
    assert.ok(down.reasons.some((r) => /array site-a-array and peer-array unreachable/.test(r)), down.reasons.join('; '));
  } finally {
    h.deps.storage = realStorage;
    h.site.arrays.setArrayDown('site-a-array', false);
    h.site.arrays.setArrayDown('peer-array', false);
  }
});

test('a state no engine has refreshed for three intervals is reported stale, and the PG not ready', async () => {
  const pgId = await pgWithArray('stale');
  await storage.snapshotNow((await new ProtectionGroups(h.deps.db).get(pgId))!.resources.array!, { replicate: true });
  h.site.arrays.tick();
  await refresh(() => Date.now() - 91_000);
  const hl = await healthOf(pgId);
  assert.equal(hl.stale, true);
  assert.ok(hl.state_age_seconds !== null && hl.state_age_seconds >= 91);
  assert.equal(hl.failover_ready, false);
  assert.equal(hl.rpo_compliant, false, 'RPO compliance is not claimed from a stale state');
  assert.ok(hl.reasons.some((r) => /last read 9\d s ago .*more than 3 refresh intervals of 30 s: no protector-engine of this site is refreshing it/.test(r)), hl.reasons.join('; '));
  await refresh();
  assert.equal((await healthOf(pgId)).stale, false);
});

test('a state read before replication was reversed is stale until the next refresh', async () => {
  const pgId = await pgWithArray('reversed');
  await refresh();
  const pgs = new ProtectionGroups(h.deps.db);
  await pgs.setResources(pgId, (r) => ({ ...r, array: { ...r.array!, sourceArray: r.array!.targetArray, targetArray: r.array!.sourceArray } }));
  const hl = await healthOf(pgId);
  assert.equal(hl.stale, true);
  assert.ok(hl.reasons.some((r) => /replication was reversed after its state was last read/.test(r)), hl.reasons.join('; '));
});

test('the action endpoint takes exactly one known action; sync records an operation for the engine', async () => {
  const alice = await h.token('alice');
  const pgId = await activePg(h, 'action-target');
  const path = `/v1/${h.projects.demo}/protection-groups/${pgId}/action`;
  type Err = { error: { message: string } };
  const noArray = await h.call<Err>('POST', path, { token: alice, body: { sync: {} } });
  assert.equal(noArray.status, 409);
  assert.match(noArray.body.error.message, /no array construct yet/);
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
