// The protection group detail page's API on two real sites with engines: one document with both
// sites' state (a missing mapping found by the engine's own pre-check), the Add server list with
// each ineligible server's reason, member add and remove reaching both sites' metadata, policy
// set with field errors, a diverged PG synced only from an explicit source site, replicate-now,
// and the document still answered with one site down.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { protectedPg } from '../../../protector/test/helpers/dr.js';
import { startCliLab } from '../../../protectorclient/test/helpers/cli-lab.js';
import type { EligibleServersView, MappingsAnswer, MemberChangeAnswer, PgDetailView, PolicyAnswer, SyncNowAnswer } from '../../src/shared/pg-detail.js';
import { dashboardOn, logIn } from '../helpers/dashboard-server.js';

const lab = await startCliLab();
const { t } = lab;
// Made before the engines scan: protectedPg runs its operations with engines of its own.
const { pg, servers } = await protectedPg(t, { name: 'dash-detail', servers: { 'pd-web': 0 } });
const plain = await t.bootServer('pd-plain', 'standard');
const fresh = await t.bootServer('pd-new', 'replicated-async');
lab.startEngines();
const { call, read, ended } = await logIn(dashboardOn(lab));
const detail = () => read<PgDetailView>(`/api/protection-groups/${pg.id}`);
const errorOf = (r: { json(): unknown }) => (r.json() as { error: { code: string; message: string } }).error;

/** A site's own Protector API, as alice: what each site stores, not what the dashboard says. */
async function onSite<T>(site: 'a' | 'b', path: string): Promise<T> {
  const r = await lab.api[site].call<T>('GET', `/v1/${lab.api[site].project('demo')}/protection-groups/${pg.id}${path}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}

/** Follows an operation as its page does until it has ended and its result is stored on the other site. */
async function followed(site: string, id: string): Promise<{ status: string; error: string | null }> {
  const v = await ended(site, id);
  assert.equal(v.stored, true, v.store_error);
  return v.operation;
}

test('one document: the PG on both sites, members, recovery points with their age, policy, mappings, operations, versions', async () => {
  const d = await detail();
  assert.equal(d.protection_group.name, 'dash-detail');
  assert.deepEqual([d.protection_group.status, d.protection_group.active_site, d.protection_group.primary_site, d.protection_group.secondary_site], ['active', 'site-a', 'site-a', 'site-b']);
  assert.deepEqual(d.members.map((m) => m.server_id), [servers[0]!.serverId]);
  assert.ok(d.recovery_points.length >= 1, 'protectedPg replicated once');
  assert.ok(d.recovery_points.every((r, i, all) => r.age_seconds >= 0 && (i === 0 || all[i - 1]!.age_seconds <= r.age_seconds)), 'newest first');
  assert.equal(d.rpo.within_rpo, true);
  assert.ok(d.policy && d.rpo.rpo_minutes === d.policy.rpo_minutes);
  assert.deepEqual(d.resource_mappings.map((m) => [m.kind, m.source_site]).sort(), [['network', 'site-a'], ['security_group', 'site-a'], ['subnet', 'site-a']]);
  assert.deepEqual(d.missing_mappings, [], d.mapping_check.error ?? '');
  assert.equal(d.mapping_check.error, null);
  assert.ok(d.operations.length >= 3 && d.operations.every((o) => o.site === 'site-a' || o.site === 'site-b'));
  assert.ok(d.operations.every((o, i, all) => i === 0 || Date.parse(all[i - 1]!.created_at) >= Date.parse(o.created_at)), 'newest first');
  assert.deepEqual(d.metadata.sites.map((s) => [s.site, s.sync, s.metadata_version]), [['site-a', 'IN SYNC', d.protection_group.metadata_version], ['site-b', 'IN SYNC', d.protection_group.metadata_version]]);
  assert.deepEqual([d.metadata.sync, d.metadata.state], ['IN SYNC', 'in_sync']);
  const byName = await call('GET', '/api/protection-groups/dash-detail');
  assert.equal((byName.json() as PgDetailView).protection_group.id, pg.id);
  const unknown = await call('GET', '/api/protection-groups/no-such-pg');
  assert.equal(unknown.statusCode, 404);
  assert.match(errorOf(unknown).message, /no protection group 'no-such-pg'/);
});

test('a mapping dropped from the list: the engine finds it missing for the member using it; the change reaches both sites', async () => {
  const before = await detail();
  const kept = before.resource_mappings.filter((m) => m.kind !== 'subnet').map(({ kind, source_site, source_id, target_id }) => ({ kind, source_site, source_id, target_id }));
  const r = await call('PUT', `/api/protection-groups/${pg.id}/resource-mappings`, { resource_mappings: kept });
  assert.equal(r.statusCode, 200, r.body);
  const answer = r.json() as MappingsAnswer;
  assert.deepEqual([answer.site, answer.stored, answer.resource_mappings.length], ['site-a', true, 2]);
  const d = await detail();
  const subnet = before.resource_mappings.find((m) => m.kind === 'subnet')!;
  assert.deepEqual(
    d.missing_mappings.map((m) => [m.kind, m.source_id, m.source_site, m.target_site, m.servers.map((s) => s.name)]),
    [['subnet', subnet.source_id, 'site-a', 'site-b', ['pd-web']]],
  );
  assert.match(d.missing_mappings[0]!.message, /no subnet mapping for .* to site site-b, used by server pd-web/);
  assert.equal((await onSite<{ resource_mappings: unknown[] }>('b', '/resource-mappings')).resource_mappings.length, 2);
  assert.equal(d.metadata.sync, 'IN SYNC');

  const badKind = await call('PUT', `/api/protection-groups/${pg.id}/resource-mappings`, { resource_mappings: [{ ...kept[0], kind: 'router' }] });
  assert.equal(badKind.statusCode, 400);
  assert.match(errorOf(badKind).message, /^'resource_mappings\.0\.kind': must be one of network, subnet/);
});

test("re-IP rules on the network mapping go through as given, are shown in the CLI's notation, and make the subnet mapping unneeded", async () => {
  const before = await detail();
  const rules = [{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.8.0/21', dns_nameservers: ['10.30.0.53'] }];
  const list = before.resource_mappings.map(({ kind, source_site, source_id, target_id }) => ({ kind, source_site, source_id, target_id, ...(kind === 'network' ? { reip_rules: rules } : {}) }));
  const r = await call('PUT', `/api/protection-groups/${pg.id}/resource-mappings`, { resource_mappings: list });
  assert.equal(r.statusCode, 200, r.body);
  const net = (r.json() as MappingsAnswer).resource_mappings.find((m) => m.kind === 'network')!;
  assert.deepEqual([net.reip_rules, net.reip_rules_text], [rules, ['10.20.0.0/20=10.30.8.0/21,dns=10.30.0.53']]);
  const d = await detail();
  assert.deepEqual(d.resource_mappings.find((m) => m.kind === 'network')?.reip_rules_text, ['10.20.0.0/20=10.30.8.0/21,dns=10.30.0.53']);
  assert.deepEqual(d.missing_mappings, [], 'a network with re-IP rules places its addresses itself: no subnet mapping missing');
  const bad = await call('PUT', `/api/protection-groups/${pg.id}/resource-mappings`, { resource_mappings: list.map((m) => (m.kind === 'network' ? { ...m, reip_rules: [{ source_cidr: '10.20.0.0/20', target_cidr: '10.30.8.1/21' }] } : m)) });
  assert.equal(bad.statusCode, 400, bad.body);
  assert.match(errorOf(bad).message, /resource_mappings\.\d\.reip_rules\.0\.target_cidr/);
});

test('Add server lists the servers on the running site, each ineligible one with its reason', async () => {
  const r = await call('GET', `/api/protection-groups/${pg.id}/eligible-servers`);
  assert.equal(r.statusCode, 200, r.body);
  const v = r.json() as EligibleServersView;
  assert.equal(v.site, 'site-a');
  const row = (id: string) => v.servers.find((s) => s.id === id);
  assert.deepEqual([row(fresh.serverId)?.eligible, row(fresh.serverId)?.reason], [true, null]);
  assert.equal(row(servers[0]!.serverId)?.eligible, false);
  assert.equal(row(servers[0]!.serverId)?.reason, 'already a member of protection group dash-detail');
  assert.equal(row(plain.serverId)?.eligible, false);
  assert.match(row(plain.serverId)?.reason ?? '', /^volume pd-plain-root \(.*\) has type 'standard', which is not replicated$/);
});

test('member add and remove: an operation on site-a, its result stored on site-b', { timeout: 120_000 }, async () => {
  const add = await call('POST', `/api/protection-groups/${pg.id}/members`, { server_id: fresh.serverId });
  assert.equal(add.statusCode, 200, add.body);
  const added = add.json() as MemberChangeAnswer;
  assert.deepEqual([added.site, added.operation.type, added.stored], ['site-a', 'member_add', true]);
  assert.equal((await followed('site-a', added.operation.id)).status, 'completed');
  const inB = await onSite<{ members: { server_id: string }[] }>('b', '/members');
  assert.ok(inB.members.some((m) => m.server_id === fresh.serverId), 'site-b holds the new member');
  const d = await detail();
  assert.ok(d.members.some((m) => m.server_id === fresh.serverId));
  assert.equal(d.metadata.sync, 'IN SYNC');

  const again = await call('POST', `/api/protection-groups/${pg.id}/members`, { server_id: fresh.serverId });
  assert.equal(again.statusCode, 409);
  assert.match(errorOf(again).message, /already a member/);

  const remove = await call('DELETE', `/api/protection-groups/${pg.id}/members/${fresh.serverId}`);
  assert.equal(remove.statusCode, 200, remove.body);
  const removed = remove.json() as MemberChangeAnswer;
  assert.equal(removed.operation.type, 'member_remove');
  assert.equal((await followed('site-a', removed.operation.id)).status, 'completed');
  const afterB = await onSite<{ members: { server_id: string }[] }>('b', '/members');
  assert.deepEqual(afterB.members.map((m) => m.server_id), [servers[0]!.serverId]);
});

test('policy set reaches both sites; bad input is a 400 naming the field', async () => {
  const cur = (await detail()).policy!;
  const r = await call('PUT', `/api/protection-groups/${pg.id}/policy`, { rpo_minutes: cur.rpo_minutes + 5 });
  assert.equal(r.statusCode, 200, r.body);
  const answer = r.json() as PolicyAnswer;
  assert.deepEqual([answer.policy.rpo_minutes, answer.policy.interval_minutes, answer.stored], [cur.rpo_minutes + 5, cur.interval_minutes, true]);
  assert.equal((await onSite<{ policy: { rpo_minutes: number } }>('b', '/policy')).policy.rpo_minutes, cur.rpo_minutes + 5);

  const word = await call('PUT', `/api/protection-groups/${pg.id}/policy`, { interval_minutes: 'ten' });
  assert.equal(word.statusCode, 400);
  assert.equal(errorOf(word).message, "'interval_minutes': must be a whole number");
  const range = await call('PUT', `/api/protection-groups/${pg.id}/policy`, { retention: { target: { days: -1 } } });
  assert.equal(range.statusCode, 400);
  assert.match(errorOf(range).message, /^'retention\.target\.days': /);
  const rpo = await call('PUT', `/api/protection-groups/${pg.id}/policy`, { interval_minutes: 30, rpo_minutes: 10 });
  assert.equal(rpo.statusCode, 400);
  assert.match(errorOf(rpo).message, /^'rpo_minutes': 10 is shorter than interval_minutes \(30\)/);
});

test('diverged copies: sync without a source site is a 409 naming both versions; with one, its copy wins on both', async () => {
  const base = (await detail()).protection_group.metadata_version;
  // Each site changed on its own (a client that never pushed): both out_of_sync, one version up.
  for (const [site, rpo] of [['a', 120], ['b', 240]] as const) {
    const cur = await onSite<{ policy: Record<string, unknown> }>(site, '/policy');
    const { interval_minutes, retention } = cur.policy;
    const put = await lab.api[site].call('PUT', `/v1/${lab.api[site].project('demo')}/protection-groups/${pg.id}/policy`, { body: { policy: { interval_minutes, rpo_minutes: rpo, retention } } });
    assert.equal(put.status, 200, put.text);
  }
  const d = await detail();
  assert.equal(d.metadata.state, 'diverged');
  assert.match(d.metadata.summary, new RegExp(`site-a holds version ${base + 1} \\(out_of_sync\\), site-b holds version ${base + 1} \\(out_of_sync\\)`));
  const refused = await call('POST', `/api/protection-groups/${pg.id}/metadata/sync`, {});
  assert.equal(refused.statusCode, 409);
  assert.equal(errorOf(refused).code, 'diverged');
  assert.match(errorOf(refused).message, new RegExp(`site-a holds version ${base + 1} \\(out_of_sync\\), site-b holds version ${base + 1} \\(out_of_sync\\); choose the site whose copy wins`));
  const wrong = await call('POST', `/api/protection-groups/${pg.id}/metadata/sync`, { source_site: 'site-c' });
  assert.equal(wrong.statusCode, 400);
  assert.equal(errorOf(wrong).message, "'source_site': must be site-a or site-b");

  const r = await call('POST', `/api/protection-groups/${pg.id}/metadata/sync`, { source_site: 'site-b' });
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(r.json(), { from: 'site-b', to: 'site-a', version: base + 2 });
  assert.equal((await onSite<{ policy: { rpo_minutes: number } }>('a', '/policy')).policy.rpo_minutes, 240);
  const synced = await detail();
  assert.deepEqual(synced.metadata.sites.map((s) => [s.sync, s.metadata_version]), [['IN SYNC', base + 2], ['IN SYNC', base + 2]]);
});

test('sync now starts a replicate operation on the site running the workload', { timeout: 120_000 }, async () => {
  const r = await call('POST', `/api/protection-groups/dash-detail/sync-now`);
  assert.equal(r.statusCode, 200, r.body);
  const started = r.json() as SyncNowAnswer;
  assert.deepEqual([started.site, started.operation.type], ['site-a', 'replicate']);
  assert.equal((await followed('site-a', started.operation.id)).status, 'completed');
  assert.ok((await detail()).operations.some((o) => o.id === started.operation.id && o.site === 'site-a'));
});

test('with site-b down the document still answers from site-a, site-b marked unreachable; changes are refused', async () => {
  await lab.api.b.stop();
  try {
    const d = await detail();
    assert.equal(d.read_from, 'site-a');
    assert.deepEqual(d.members.map((m) => m.server_id), [servers[0]!.serverId]);
    const b = d.metadata.sites.find((s) => s.site === 'site-b')!;
    assert.deepEqual([b.reachable, b.metadata_version, b.sync], [false, null, 'UNREACHABLE']);
    assert.match(b.error ?? '', /unreachable/);
    assert.deepEqual([d.metadata.sync, d.metadata.state], ['UNREACHABLE', 'unknown']);
    assert.ok(d.operations.every((o) => o.site === 'site-a'));
    const refused = await call('POST', `/api/protection-groups/${pg.id}/members`, { server_id: fresh.serverId });
    assert.equal(refused.statusCode, 409);
    assert.match(errorOf(refused).message, /site site-b is unreachable .* Every change needs both sites/);
  } finally {
    await lab.api.b.start();
  }
});
