// The PG lifecycle workflows for real against two cloudsim sites sharing one array file:
// pg_create → member_add (and a refused one) → member_remove → pg_delete, each step re-runnable.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { groupName, groupTypeName, memberAddWorkflow, pgDeleteWorkflow } from '../../src/engine/workflows/index.js';
import type { OperationRecord, Workflow } from '../../src/engine/index.js';
import { startTwoSites } from '../helpers/two-sites.js';

const t = await startTwoSites();
after(() => t.close());
const engine = t.engine('engine-1');

async function run(op: OperationRecord): Promise<OperationRecord> {
  await engine.tryRun(op.id);
  const done = await t.ops.get(op.id);
  assert.ok(done);
  return done;
}

const groupsOn = (s: typeof t.a, pgId: string) => s.cinder.listGroups().filter((g) => g.name === groupName(pgId));
const groupTypesOn = (s: typeof t.a, pgId: string) => s.cinder.groupTypes.list().filter((g) => g.name === groupTypeName(pgId));
const arrayGroups = () => t.a.arrays.listProtectionGroups('site-a-array');

/** Runs each step of the workflow twice in a row, keeping the second result: a crash after every step's work. */
async function runEachStepTwice(wf: Workflow, op: OperationRecord): Promise<void> {
  assert.ok(await t.ops.claim(op.id, 'by-hand', 60_000));
  const completed = new Map<string, Record<string, unknown>>();
  const signal = new AbortController().signal;
  for (const step of wf.steps(op)) {
    const sc = { operation: op, completed, signal, progress: async () => {}, idle: <T>(wait: () => Promise<T>) => wait() };
    await step.run(sc);
    completed.set(step.name, (await step.run(sc)) ?? {});
  }
  // Frees the PG for its next operation, as the engine does.
  await t.ops.finish(op.id, 'by-hand', { status: 'completed' });
}

let pgId = '';
let serverId = '';
let volumeId = '';

test('pg_create: one group type and group per site, one array protection group, PG active, steps timed', async () => {
  const { pg, op } = await t.acceptPg({ name: 'web' });
  pgId = pg.id;
  const done = await run(op);
  assert.equal(done.status, 'completed', done.error ?? '');
  const steps = await t.ops.steps(op.id);
  assert.deepEqual(steps.map((s) => s.name), ['check_sites', 'create_local_group_type', 'create_local_group', 'create_peer_group_type', 'create_peer_group', 'create_array_group', 'activate']);
  for (const s of steps) {
    assert.equal(s.status, 'completed', s.name);
    assert.ok(s.started_at !== null && s.finished_at !== null && s.finished_at >= s.started_at, `${s.name} has timings`);
  }
  for (const site of [t.a, t.b]) {
    assert.equal(groupTypesOn(site, pg.id).length, 1, `one group type on ${site.options.name}`);
    assert.deepEqual(groupTypesOn(site, pg.id)[0]?.group_specs, { consistent_group_snapshot_enabled: '<is> True' });
    const groups = groupsOn(site, pg.id);
    assert.equal(groups.length, 1, `one group on ${site.options.name}`);
    const demo = site.keystone.projects.find((p) => p.name === 'demo');
    assert.equal(groups[0]?.project_id, demo?.id, 'the group is in the tenant project (made through the trust)');
    const typeNames = groups[0]?.volume_types.map((id) => site.cinder.findType(id).name);
    assert.deepEqual(typeNames, ['replicated-async']);
  }
  const after = await t.pgs.get(pg.id);
  assert.equal(after?.status, 'active');
  const res = after?.resources;
  assert.equal(res?.sites[t.siteA.id]?.group_id, groupsOn(t.a, pg.id)[0]?.id);
  assert.equal(res?.sites[t.siteB.id]?.group_id, groupsOn(t.b, pg.id)[0]?.id);
  assert.equal(res?.array?.sourceArray, 'site-a-array');
  assert.equal(res?.array?.targetArray, 'site-b-array');
  const pgs = arrayGroups().filter((g) => g.name === res?.array?.name);
  assert.equal(pgs.length, 1, 'one array protection group');
  assert.deepEqual(pgs[0]?.targets.map((x) => x.name), ['site-b-array']);
});

test('a re-run pg_create (steps run twice) creates nothing new', async () => {
  const pg = await t.pgs.get(pgId);
  assert.ok(pg);
  // As if a crash came between "created in Cinder" and "recorded": the steps must find them by name.
  await t.pgs.setResources(pgId, (r) => ({ ...r, sites: Object.fromEntries(Object.entries(r.sites).map(([k, v]) => [k, { trust_id: v.trust_id }])) }));
  const again = await run(await t.newOp(pg, 'pg_create'));
  assert.equal(again.status, 'completed', again.error ?? '');
  for (const site of [t.a, t.b]) {
    assert.equal(groupTypesOn(site, pgId).length, 1);
    assert.equal(groupsOn(site, pgId).length, 1);
  }
  assert.equal(arrayGroups().filter((g) => g.name === pg.resources.array?.name).length, 1);
});

test('a pg_create that fails marks the PG error, naming the problem', async () => {
  const { pg, op } = await t.acceptPg({ name: 'broken' });
  // The tenant's trust on site-b is gone (revoked by the user): check_sites must say so.
  const trustB = pg.resources.sites[t.siteB.id]?.trust_id ?? '';
  t.b.keystone.trusts.update(trustB, (x) => (x.deleted = true));
  const done = await run(op);
  assert.equal(done.status, 'failed');
  assert.match(done.error ?? '', /^check_sites: the tenant trust cannot authenticate on site /);
  assert.equal((await t.pgs.get(pg.id))?.status, 'error');
  assert.equal(groupsOn(t.a, pg.id).length, 0, 'nothing created before the check failed');
  // Deleting an errored PG cleans up what there is (nothing) and removes the row.
  const errored = await t.pgs.get(pg.id);
  assert.ok(errored);
  const del = await run(await t.newOp(errored, 'pg_delete'));
  assert.equal(del.status, 'completed', del.error ?? '');
  assert.equal(await t.pgs.get(pg.id), undefined);
});

test('member_add records ports, flavor and volumes; the volume joins the Cinder group and the array group', async () => {
  ({ serverId, volumeId } = await t.bootServer('web-1', 'replicated-async'));
  const pg = await t.pgs.get(pgId);
  assert.ok(pg);
  const done = await run(await t.newOp(pg, 'member_add', { server_id: serverId, boot_order: 1 }));
  assert.equal(done.status, 'completed', done.error ?? '');
  const m = await t.pgs.member(pgId, serverId);
  assert.ok(m, 'member recorded');
  assert.equal(m.name, 'web-1');
  assert.equal(m.boot_order, 1);
  assert.equal(m.details.flavor_name, 'm1.tiny');
  assert.ok(m.details.flavor_id);
  const port = (await t.alice('a').neutron.listPorts({ device_id: serverId }))[0];
  assert.ok(port);
  assert.equal(m.details.ports.length, 1);
  assert.equal(m.details.ports[0]?.id, port.id);
  assert.equal(m.details.ports[0]?.mac_address, port.mac_address);
  assert.match(m.details.ports[0]?.fixed_ips[0]?.ip_address ?? '', /^10\.20\.0\.\d+$/);
  assert.equal(m.details.ports[0]?.network_id, port.network_id);
  assert.deepEqual(m.details.volumes.map((v) => [v.volume_id, v.boot_index, v.volume_type, v.size_gb, v.array_volume]), [[volumeId, 0, 'replicated-async', 1, `volume-${volumeId}-cinder`]]);
  assert.equal(t.a.cinder.getVolume(volumeId)?.group_id, pg.resources.sites[t.siteA.id]?.group_id, 'in the Cinder group');
  const apg = t.a.arrays.getProtectionGroup('site-a-array', pg.resources.array?.name ?? '');
  assert.deepEqual(apg.volumes, [`volume-${volumeId}-cinder`], 'in the array protection group');
  assert.equal((await t.pgs.get(pgId))?.metadata_version, pg.metadata_version + 1, 'metadata version bumped');
});

test('member_add refuses a server with a non-replicated volume, naming it; the PG stays active', async () => {
  const { serverId: bad, volumeId: badVol } = await t.bootServer('plain-1', 'standard');
  const pg = await t.pgs.get(pgId);
  assert.ok(pg);
  const done = await run(await t.newOp(pg, 'member_add', { server_id: bad, boot_order: 2 }));
  assert.equal(done.status, 'failed');
  assert.match(done.error ?? '', new RegExp(`inspect_server: .*volume plain-1-root \\(${badVol}\\) has type standard, which is not replicated`));
  assert.equal(await t.pgs.member(pgId, bad), undefined);
  assert.equal(t.a.cinder.getVolume(badVol)?.group_id ?? null, null);
  assert.equal((await t.pgs.get(pgId))?.status, 'active');
});

test('member_remove takes the volume out of both groups and deletes the record; the volume stays', async () => {
  const pg = await t.pgs.get(pgId);
  assert.ok(pg);
  const done = await run(await t.newOp(pg, 'member_remove', { server_id: serverId }));
  assert.equal(done.status, 'completed', done.error ?? '');
  assert.equal(await t.pgs.member(pgId, serverId), undefined);
  assert.equal(t.a.cinder.getVolume(volumeId)?.group_id ?? null, null);
  assert.deepEqual(t.a.arrays.getProtectionGroup('site-a-array', pg.resources.array?.name ?? '').volumes, []);
  assert.equal(t.a.cinder.getVolume(volumeId)?.status, 'in-use');
  assert.equal((await t.pgs.get(pgId))?.metadata_version, pg.metadata_version + 1);
});

test('pg_delete removes everything on both sites and the array, keeps volumes, and a step run twice is harmless', async () => {
  // A member again, so delete has volumes to release.
  let pg = await t.pgs.get(pgId);
  assert.ok(pg);
  // This time every member_add step runs twice, as after a crash before each was recorded.
  const add = await t.newOp(pg, 'member_add', { server_id: serverId, boot_order: 1 });
  await runEachStepTwice(memberAddWorkflow(t.deps), add);
  assert.equal((await t.pgs.members(pgId)).length, 1);
  assert.equal(t.a.cinder.groupVolumes(pg.resources.sites[t.siteA.id]?.group_id ?? '').length, 1);
  assert.deepEqual(t.a.arrays.getProtectionGroup('site-a-array', pg.resources.array?.name ?? '').volumes, [`volume-${volumeId}-cinder`]);
  pg = await t.pgs.get(pgId);
  assert.ok(pg);
  const arrayName = pg.resources.array?.name ?? '';
  const trusts = [pg.resources.sites[t.siteA.id]?.trust_id, pg.resources.sites[t.siteB.id]?.trust_id];
  const op = await t.newOp(pg, 'pg_delete');
  // A crash after each step's work but before it was recorded: run every step twice by hand.
  await runEachStepTwice(pgDeleteWorkflow(t.deps), op);
  assert.equal(await t.pgs.get(pgId), undefined, 'PG row gone');
  for (const site of [t.a, t.b]) {
    assert.equal(groupsOn(site, pgId).length, 0, `no group on ${site.options.name}`);
    assert.equal(groupTypesOn(site, pgId).length, 0, `no group type on ${site.options.name}`);
  }
  assert.equal(arrayGroups().find((g) => g.name === arrayName), undefined, 'array protection group gone');
  assert.equal(t.a.cinder.getVolume(volumeId)?.status, 'in-use', 'the volume is kept');
  assert.ok(t.a.arrays.getVolume('site-a-array', `volume-${volumeId}-cinder`));
  for (const [i, site] of [t.a, t.b].entries()) {
    const tr = site.keystone.trusts.get(trusts[i] ?? '');
    assert.equal(tr?.deleted, true, `trust deleted on ${site.options.name}`);
  }
  assert.equal((await t.ops.get(op.id))?.status, 'completed');
});
