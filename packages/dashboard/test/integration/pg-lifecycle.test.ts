// Creating, editing and deleting a protection group through protector-dashboard's server on two
// real sites with engines: the wizard's choices say which servers can join and why not, a dry run
// lists every problem and changes nothing, a create reaches both sites with its policy, mapping
// and member (each change pushed to the peer), an edit is stored on both, and a delete needs the
// name typed and answers its operation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCliLab } from '../../../protectorclient/test/helpers/cli-lab.js';
import type { PgChoices, PgCreated, PgCreatePlan, PgSetupView } from '../../src/shared/pg-lifecycle.js';
import { dashboardOn, logIn } from '../helpers/dashboard-server.js';

const lab = await startCliLab();
const { t } = lab;
lab.startEngines();
const web = await t.bootServer('pl-web', 'replicated-async');
const plain = await t.bootServer('pl-plain', 'standard');
const { call, read, ended } = await logIn(dashboardOn(lab, { webRoot: null }));
const pgCount = async () => [(await t.atA.pgs.list((await t.alice('a').session.auth()).projectId!)).length, (await t.atB.pgs.list((await t.alice('b').session.auth()).projectId!)).length];

const choices = await read<PgChoices>('/api/protection-groups/new/choices');
const demoNet = choices.resources.network!.source.find((n) => n.name === 'demo-net')!.id;
const drNet = choices.resources.network!.target.find((n) => n.name === 'dr-net')!.id;

test('the choices: servers with eligibility and the reason, resources of both sites to map', () => {
  assert.deepEqual([choices.site, choices.peer, choices.blocked], ['site-a', 'site-b', null]);
  const w = choices.servers.find((s) => s.id === web.serverId)!;
  const p = choices.servers.find((s) => s.id === plain.serverId)!;
  assert.equal(w.eligible.async, true, JSON.stringify(w));
  // alice is a member: the replication type of a volume type is the site's to check.
  assert.match(w.note ?? '', /cannot see whether its volume types replicate async or sync/);
  assert.deepEqual([p.eligible.async, p.eligible.sync], [false, false]);
  assert.match(p.reason.async ?? '', /volume .* has type 'standard', which is not replicated/);
  assert.ok(demoNet && drNet, 'demo-net on site-a and dr-net on site-b offered');
});

test('a dry run lists every problem and changes nothing', async () => {
  const before = await pgCount();
  const r = await call('POST', '/api/protection-groups', {
    name: 'pl-bad',
    replication_type: 'async',
    servers: [plain.serverId, 'no-such-server'],
    policy: { interval_minutes: 30, rpo_minutes: 10, retention: { source: { all_for_sec: 3600, per_day: 4, days: 7 }, target: { all_for_sec: 3600, per_day: 4, days: 7 } } },
    mappings: [{ kind: 'network', source_id: demoNet, target_id: 'not-a-network' }],
    dry_run: true,
  });
  assert.equal(r.statusCode, 200, r.body);
  const plan = r.json() as PgCreatePlan;
  assert.equal(plan.ok, false);
  const byField = Object.fromEntries(plan.problems.map((p) => [p.field, p.message]));
  assert.match(byField['policy.rpo_minutes'] ?? '', /10 is shorter than policy.interval_minutes \(30\)/);
  assert.match(byField['servers.0'] ?? '', /server pl-plain cannot join an async protection group: .*not replicated/);
  assert.match(byField['servers.1'] ?? '', /no server no-such-server in the project on site-a/);
  assert.match(byField['mappings.0.target_id'] ?? '', /no network not-a-network on site-b/);
  assert.deepEqual(await pgCount(), before, 'nothing created');
  // The same body without dry_run is refused with every problem, still changing nothing.
  const refused = await call('POST', '/api/protection-groups', { name: 'pl-bad', replication_type: 'async', servers: [plain.serverId] });
  assert.equal(refused.statusCode, 409, refused.body);
  assert.match((refused.json() as { error: { message: string } }).error.message, /'servers.0': server pl-plain cannot join/);
  assert.deepEqual(await pgCount(), before);
  const bad = await call('POST', '/api/protection-groups', { name: ' spaced', replication_type: 'both' });
  assert.equal(bad.statusCode, 400);
  assert.match((bad.json() as { error: { message: string } }).error.message, /'name': must not start or end with a space; 'replication_type': must be 'async' or 'sync'/);
});

test('a create reaches both sites with its policy, mapping and member; then edited on both; a delete needs the name', { timeout: 180_000 }, async () => {
  const body = {
    name: 'pl-app',
    description: 'made by the wizard',
    replication_type: 'async',
    servers: [{ id: web.serverId, boot_order: 2 }],
    policy: { interval_minutes: 10, rpo_minutes: 20, retention: { source: { all_for_sec: 7200, per_day: 2, days: 3 }, target: { all_for_sec: 7200, per_day: 2, days: 3 } } },
    mappings: [{ kind: 'network', source_id: demoNet, target_id: drNet }],
  };
  const dry = (await call('POST', '/api/protection-groups', { ...body, dry_run: true })).json() as PgCreatePlan;
  assert.equal(dry.ok, true, JSON.stringify(dry.problems));
  assert.deepEqual(dry.steps.slice(1), ['set the replication policy: a recovery point every 10 min, RPO 20 min', 'set 1 resource mapping from site-a to site-b', 'add server pl-web (boot order 2)']);

  const r = await call('POST', '/api/protection-groups', body);
  assert.equal(r.statusCode, 202, r.body);
  const created = r.json() as PgCreated;
  assert.deepEqual([created.site, created.operation.type, created.protection_group.name], ['site-a', 'pg_create', 'pl-app']);
  assert.equal(created.setup.steps.length, 4);
  let setup: PgSetupView = created.setup;
  for (let i = 0; i < 120 && setup.status === 'running'; i++) {
    await sleep(500);
    setup = await read<PgSetupView>(`/api/protection-groups/${created.protection_group.id}/setup`);
  }
  assert.equal(setup.status, 'completed', JSON.stringify(setup.steps));
  assert.ok(setup.steps[3]!.operation, 'the member add is an operation to follow');

  const id = created.protection_group.id;
  for (const p of [t.atA, t.atB]) {
    const pg = (await p.pgs.get(id))!;
    assert.deepEqual([pg.name, pg.status, pg.description, pg.sync_state], ['pl-app', 'active', 'made by the wizard', 'in_sync']);
    assert.deepEqual((await p.pgs.members(id)).map((m) => [m.server_id, m.boot_order]), [[web.serverId, 2]]);
    assert.equal((await p.pgs.policy(id))!.interval_minutes, 10);
    const maps = await p.pgs.mappings(id);
    assert.deepEqual(maps.map((m) => [m.kind, m.source_id, m.target_id, m.source_site_id]), [['network', demoNet, drNet, p.siteA.id]]);
  }
  assert.equal((await p0Version(id)).a, (await p0Version(id)).b, 'both at one version');

  const taken = (await call('POST', '/api/protection-groups', { name: 'pl-app', replication_type: 'async', dry_run: true })).json() as PgCreatePlan;
  assert.deepEqual(taken.problems.map((p) => p.message), ["a protection group named 'pl-app' already exists on site-a", "a protection group named 'pl-app' already exists on site-b"]);

  const edited = await call('PATCH', `/api/protection-groups/pl-app`, { description: 'edited' });
  assert.equal(edited.statusCode, 200, edited.body);
  for (const p of [t.atA, t.atB]) assert.deepEqual([(await p.pgs.get(id))!.description, (await p.pgs.get(id))!.sync_state], ['edited', 'in_sync']);
  const badEdit = await call('PATCH', `/api/protection-groups/pl-app`, { replication_type: 'sync' });
  assert.equal(badEdit.statusCode, 400);
  assert.match(badEdit.body, /'replication_type': not something a protection group's update changes/);

  const unconfirmed = await call('DELETE', `/api/protection-groups/${id}`);
  assert.equal(unconfirmed.statusCode, 400);
  assert.match(unconfirmed.body, /type the protection group's name \(pl-app\) to delete it/);
  const del = await call('DELETE', `/api/protection-groups/${id}?confirm=pl-app`);
  assert.equal(del.statusCode, 202, del.body);
  const op = (del.json() as { site: string; operation: { id: string; type: string } }).operation;
  assert.equal(op.type, 'pg_delete');
  const v = await ended('site-a', op.id);
  assert.equal(v.operation.status, 'completed', JSON.stringify(v.operation.steps));
  assert.match(v.store_error ?? '', /no longer exists on site-a/);
  assert.equal(await t.atA.pgs.get(id), undefined, 'gone on site-a');
});

async function p0Version(id: string): Promise<{ a: number; b: number }> {
  return { a: (await t.atA.pgs.get(id))!.metadata_version, b: (await t.atB.pgs.get(id))!.metadata_version };
}
