// The pre-check framework for real against two cloudsim sites: a PG with a member, its mappings
// and a recovery point pass; several things broken at once are all reported in one run.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ResourceMapping } from '../../src/db/protection-groups.js';
import { createWorkflowContext } from '../../src/engine/context.js';
import type { OperationRecord } from '../../src/engine/index.js';
import { ALL_CHECKS, PrecheckFailed, requirePrechecks, runPrechecks, type Check, type Finding, type PrecheckInput } from '../../src/engine/prechecks/index.js';
import { startTwoSites } from '../helpers/two-sites.js';

const t = await startTwoSites();
after(() => t.close());
const engine = t.engine('engine-1');

async function run(op: OperationRecord): Promise<void> {
  await engine.tryRun(op.id);
  const done = await t.ops.get(op.id);
  assert.equal(done?.status, 'completed', done?.error ?? '');
}

let pgId = '';
let serverId = '';
let goodMappings: ResourceMapping[] = [];

const pg = async () => {
  const p = await t.pgs.get(pgId);
  assert.ok(p);
  return p;
};
const check = async (action: PrecheckInput['action'], checks: readonly Check[] = ALL_CHECKS, extra: Partial<PrecheckInput> = {}) =>
  runPrechecks(createWorkflowContext(t.deps), { action, pg: await pg(), ...extra }, checks);
const codes = (fs: readonly Finding[]) => fs.map((f) => `${f.check}/${f.code}`).sort();
const only = (fs: readonly Finding[], code: string) => fs.filter((f) => f.code === code);

before(async () => {
  const { pg: created, op } = await t.acceptPg({ name: 'web' });
  pgId = created.id;
  await run(op);
  ({ serverId } = await t.bootServer('web-1', 'replicated-async'));
  await run(await t.newOp(await pg(), 'member_add', { server_id: serverId, boot_order: 1 }));
  // What the client does next: the new version pushed to the peer and acknowledged (DESIGN §5).
  await t.pgs.update(pgId, { sync_state: 'in_sync' });
  const m = await t.pgs.member(pgId, serverId);
  assert.ok(m);
  // Network, subnet and security groups need explicit mappings (site-local ids); flavor and volume type match by name.
  const b = t.alice('b');
  const netB = (await b.neutron.listNetworks({ name: 'demo-net' }))[0];
  const subB = (await b.neutron.listSubnets({ name: 'demo-subnet' }))[0];
  const sgB = (await b.neutron.listSecurityGroups({ name: 'default' }))[0];
  assert.ok(netB && subB && sgB, 'site-b has the demo network, subnet and default security group');
  const port = m.details.ports[0];
  assert.ok(port && port.fixed_ips[0] && port.security_group_ids.length > 0, 'the member has a port with an IP and a security group');
  goodMappings = [
    { kind: 'network', source_site_id: t.siteA.id, source_id: port.network_id, target_id: netB.id },
    { kind: 'subnet', source_site_id: t.siteA.id, source_id: port.fixed_ips[0].subnet_id, target_id: subB.id },
    ...port.security_group_ids.map((sg): ResourceMapping => ({ kind: 'security_group', source_site_id: t.siteA.id, source_id: sg, target_id: sgB.id })),
  ];
  await t.pgs.replaceMappings(pgId, goodMappings);
});

test('planned failover without a recovery point is blocked, naming the PG and the array', async () => {
  const r = await check('planned_failover');
  assert.equal(r.ok, false);
  assert.deepEqual(codes(r.blockers), ['recovery_point/no_recovery_point']);
  assert.match(r.blockers[0]?.message ?? '', /protection group web .* has no fully transferred recovery point on array site-b-array/);
});

test('with mappings, resources, quota, link and a recovery point all right, planned failover has no blockers', async () => {
  const p = await pg();
  assert.ok(p.resources.array);
  await t.storage.snapshotNow(p.resources.array, { replicate: true });
  t.a.arrays.tick();
  assert.ok((await t.storage.listRecoveryPoints(p.resources.array)).length > 0, 'a recovery point transferred');
  const r = await check('planned_failover');
  assert.deepEqual(r.blockers, [], r.report);
  assert.deepEqual(r.warnings, [], r.report);
  assert.equal(r.ok, true);
  assert.equal(r.report, 'all pre-checks passed');
  assert.deepEqual(r.checks, ['pg_state', 'operation_running', 'rollback_leftovers', 'metadata_in_sync', 'mappings', 'target_resources', 'reip', 'target_quota', 'recovery_point', 'replication_link', 'source_site']);
});

test('several things broken at once: every blocker is reported in one run, each naming its object', async () => {
  const demoB = t.b.keystone.projects.find((p) => p.name === 'demo');
  assert.ok(demoB);
  // No network mapping; the volume type mapped to a type that does not exist; site-b's flavor renamed.
  await t.pgs.replaceMappings(pgId, [
    ...goodMappings.filter((m) => m.kind !== 'network'),
    { kind: 'volume_type', source_site_id: t.siteA.id, source_id: 'replicated-async', target_id: 'no-such-type' },
  ]);
  const flavorB = t.b.nova.flavors.list().find((f) => f.name === 'm1.tiny');
  assert.ok(flavorB);
  t.b.nova.flavors.update(flavorB.id, (f) => (f.name = 'm1.tiny-renamed'));
  t.a.arrays.linkDown('site-a-array', 'site-b-array');
  await t.pgs.update(pgId, { sync_state: 'out_of_sync' });
  t.b.nova.setQuotas(demoB.id, { instances: 0 });
  t.b.cinder.setQuotas(demoB.id, { gigabytes: 0 });
  try {
    const r = await check('planned_failover');
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r.blockers), [
      'mappings/mapping_missing',
      'mappings/mapping_missing',
      'metadata_in_sync/metadata_out_of_sync',
      'replication_link/replication_link_down',
      'target_quota/quota_exceeded',
      'target_quota/quota_exceeded',
      'target_resources/target_volume_type_missing',
    ], r.report);
    const missing = only(r.blockers, 'mapping_missing').map((f) => f.message).sort();
    assert.match(missing[0] ?? '', new RegExp(`^no flavor mapping for m1\\.tiny \\(.+\\) to site site-b, used by server web-1 \\(${serverId}\\)$`));
    assert.match(missing[1] ?? '', new RegExp(`^no network mapping for .+ to site site-b, used by server web-1 \\(${serverId}\\)$`));
    assert.match(only(r.blockers, 'target_volume_type_missing')[0]?.message ?? '', /^volume type no-such-type \(mapped from replicated-async\) does not exist on site site-b/);
    assert.match(only(r.blockers, 'replication_link_down')[0]?.message ?? '', /site-a-array → site-b-array .* is down/);
    assert.match(only(r.blockers, 'metadata_out_of_sync')[0]?.message ?? '', /protection group web .* out of sync/);
    const quota = only(r.blockers, 'quota_exceeded');
    assert.deepEqual(quota.map((f) => f.detail.resource).sort(), ['gigabytes', 'instances']);
    for (const f of quota) assert.match(f.message, new RegExp(`^project ${demoB.id} on site site-b has room for 0 more`));
    // The renamed flavor leaves cores/RAM uncountable, which is said, not hidden.
    assert.deepEqual(codes(r.warnings), ['target_quota/quota_flavor_unknown']);
    // Every line is in the report, numbered.
    assert.equal(r.report.split('\n').length, 8);

    // Unplanned failover: the link and the metadata only warn; the rest still blocks.
    const u = await check('unplanned_failover');
    assert.ok(!codes(u.blockers).includes('replication_link/replication_link_down'));
    assert.ok(codes(u.warnings).includes('replication_link/replication_link_down'), u.report);
    assert.ok(codes(u.warnings).includes('metadata_in_sync/metadata_out_of_sync'), u.report);
    assert.equal(only(u.blockers, 'mapping_missing').length, 2);

    // A workflow's first step throws PrecheckFailed carrying the same full list.
    const err = await requirePrechecks(createWorkflowContext(t.deps), { action: 'planned_failover', pg: await pg() }, ALL_CHECKS).then(
      () => assert.fail('pre-checks passed'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof PrecheckFailed);
    assert.equal(err.result.blockers.length, 7);
    assert.match(err.message, /^pre-checks found 7 blocker\(s\):\n1\. \[blocker\]/);
    assert.equal((err.detail.blockers as Finding[]).length, 7);
  } finally {
    t.a.arrays.linkUp('site-a-array', 'site-b-array');
    t.b.nova.flavors.update(flavorB.id, (f) => (f.name = 'm1.tiny'));
    t.b.nova.setQuotas(demoB.id, { instances: 10 });
    t.b.cinder.setQuotas(demoB.id, { gigabytes: 1000 });
    await t.pgs.update(pgId, { sync_state: 'in_sync' });
    await t.pgs.replaceMappings(pgId, goodMappings);
  }
  assert.equal((await check('planned_failover')).ok, true, 'repaired, it passes again');
});

test('a check that throws becomes a blocker naming it; the other checks still report', async () => {
  const broken: Check = {
    name: 'exploding',
    appliesTo: ['planned_failover'],
    run: () => Promise.reject(new Error('site-b Nova is unreachable')),
  };
  await t.pgs.update(pgId, { sync_state: 'out_of_sync' });
  try {
    const r = await check('planned_failover', [...ALL_CHECKS, broken]);
    assert.deepEqual(codes(r.blockers), ['exploding/check_failed', 'metadata_in_sync/metadata_out_of_sync']);
    assert.equal(only(r.blockers, 'check_failed')[0]?.message, 'pre-check exploding could not complete: site-b Nova is unreachable');
  } finally {
    await t.pgs.update(pgId, { sync_state: 'in_sync' });
  }
});

test('another operation holding the PG blocks; the operation running the checks does not', async () => {
  const other = await t.newOp(await pg(), 'replicate');
  try {
    const r = await check('planned_failover');
    assert.deepEqual(codes(r.blockers), ['operation_running/operation_running']);
    assert.match(r.blockers[0]?.message ?? '', new RegExp(`^operation ${other.id} is already running on protection group web`));
    const self = await check('planned_failover', ALL_CHECKS, { operationId: other.id });
    assert.equal(self.ok, true, self.report);
  } finally {
    // Finishing frees the PG, as the engine does when an operation ends.
    assert.ok(await t.ops.claim(other.id, 'test', 60_000));
    await t.ops.finish(other.id, 'test', { status: 'cancelled' });
  }
});

test('a state the action does not start from blocks, naming the state and what is needed', async () => {
  await t.pgs.update(pgId, { status: 'testing' });
  try {
    const r = await check('planned_failover');
    assert.deepEqual(codes(r.blockers), ['pg_state/pg_state_invalid']);
    assert.match(r.blockers[0]?.message ?? '', /is testing; planned_failover needs it active$/);
    // test_cleanup only needs state, sync and no other operation: the target checks do not apply.
    const c = await check('test_cleanup');
    assert.deepEqual(c.checks, ['pg_state', 'operation_running', 'metadata_in_sync']);
    assert.equal(c.ok, true, c.report);
  } finally {
    await t.pgs.update(pgId, { status: 'active' });
  }
});

test('a chosen recovery point that is not on the target array, and a port quota too small, are each named', async () => {
  const demoB = t.b.keystone.projects.find((p) => p.name === 'demo');
  assert.ok(demoB);
  t.b.neutron.setQuota(demoB.id, { port: 0 });
  try {
    const r = await check('unplanned_failover', ALL_CHECKS, { recoveryPoint: 'site-a-array:nope.gone' });
    assert.deepEqual(codes(r.blockers), ['recovery_point/recovery_point_not_found', 'target_quota/quota_exceeded'], r.report);
    assert.match(only(r.blockers, 'recovery_point_not_found')[0]?.message ?? '', /^recovery point site-a-array:nope\.gone of protection group web is not on array site-b-array/);
    assert.equal(only(r.blockers, 'quota_exceeded')[0]?.detail.resource, 'ports');
  } finally {
    t.b.neutron.setQuota(demoB.id, { port: 100 });
  }
});
