// The SDK against a real protector-api (in-process, in front of cloudsim sites): every resource
// alice uses in a PG's life, the typed answers, the error shapes, microversion negotiation, and
// the clear error when the endpoint does not answer.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { ProtectionGroups } from '../../../protector/src/db/protection-groups.js';
import { startApi } from '../../../protector/test/helpers/api.js';
import { completeOperation } from '../../../protector/test/helpers/api-pg.js';
import {
  negotiateVersion,
  OperationWaitTimeoutError,
  ProtectorApiError,
  ProtectorClient,
  ProtectorUnreachableError,
  ProtectorVersionError,
  splitEndpoint,
  type OperationDetail,
  type PolicyInput,
} from '../../src/api/index.js';
import { registerProtectorEndpoint, sessionFor } from '../helpers/protector-api.js';

const h = await startApi({ peer: true });
await registerProtectorEndpoint(h);
const peer = h.peer!;
const alice = new ProtectorClient({ session: sessionFor(h, 'alice'), site: 'site-a' });
const pgs = new ProtectionGroups(h.deps.db);

/** A Protector error from `fn`, or a failed assertion. */
async function apiError(fn: () => Promise<unknown>): Promise<ProtectorApiError> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof ProtectorApiError, `expected ProtectorApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

/** A PG of alice's through the SDK, then as an engine and the client leave it: created, active, in_sync. */
async function activePg(name: string): Promise<string> {
  const created = await alice.protectionGroups.create({ name, replication_type: 'async' }, { peerToken: await peer.token('alice') });
  await completeOperation(h, created.operation.id);
  await pgs.update(created.protection_group.id, { status: 'active' });
  await alice.metadata.ack(created.protection_group.id, created.protection_group.metadata_version);
  return created.protection_group.id;
}

test('the endpoint comes from the catalog and the microversion from version discovery', async () => {
  assert.equal(await alice.endpoint(), `${h.url}/v1`);
  const versions = await alice.versions.list();
  assert.equal(versions[0]?.id, 'v1.0');
  assert.equal(versions[0]?.min_version, '1.0');
  assert.equal(await alice.apiVersion(), '1.0');
  assert.equal(await alice.projectId(), h.projects.demo);
  // An explicit endpoint (root or /v1) wins over the catalog.
  const direct = new ProtectorClient({ session: sessionFor(h, 'alice'), endpointOverride: h.url });
  assert.equal(await direct.endpoint(), `${h.url}/v1`);
  assert.deepEqual(await direct.health.get(), await alice.health.get());

  assert.deepEqual(splitEndpoint('http://h:8788/v1/'), { root: 'http://h:8788', base: 'http://h:8788/v1' });
  assert.deepEqual(splitEndpoint('http://h/protector/v1/abc'), { root: 'http://h/protector', base: 'http://h/protector/v1' });
  assert.equal(negotiateVersion({ id: 'v1.0', status: 'CURRENT', version: '1.4', min_version: '1.0', updated: '', links: [] }, '1.2'), '1.2');
  assert.equal(negotiateVersion({ id: 'v1.0', status: 'CURRENT', version: '1.1', min_version: '1.0', updated: '', links: [] }, '1.3'), '1.1');
  assert.equal(negotiateVersion(undefined), '1.0');
  assert.throws(() => negotiateVersion({ id: 'v1.0', status: 'CURRENT', version: '1.9', min_version: '1.5', updated: '', links: [] }, '1.0'), ProtectorVersionError);
});

test('create, list, show and update a protection group; 409 while out_of_sync, 404 for another project', async () => {
  const created = await alice.protectionGroups.create({ name: 'sdk-web', description: 'web tier', replication_type: 'async' }, { peerToken: await peer.token('alice') });
  const pg = created.protection_group;
  assert.equal(pg.name, 'sdk-web');
  assert.equal(pg.status, 'creating');
  assert.equal(pg.sync_state, 'out_of_sync');
  assert.equal(pg.metadata_version, 1);
  assert.equal(pg.primary_site_id, peer.local.id);
  assert.equal(pg.secondary_site_id, peer.remote.id);
  assert.equal(created.operation.type, 'pg_create');
  assert.equal(created.operation.status, 'pending');

  const shown = await alice.protectionGroups.get(pg.id);
  assert.equal(shown.id, pg.id);
  assert.equal(shown.project_id, h.projects.demo);
  assert.match(shown.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);

  // Changes wait for the acknowledgement of version 1.
  const conflict = await apiError(() => alice.protectionGroups.update(pg.id, { description: 'new' }));
  assert.equal(conflict.status, 409);
  assert.equal(conflict.code, 409);
  assert.equal(conflict.title, 'Conflict');
  assert.match(conflict.message, /out_of_sync at metadata version 1/);
  assert.doesNotMatch(conflict.message, /\n/);
  assert.match(conflict.requestId ?? '', /^req-/);
  assert.equal(conflict.method, 'PUT');

  const dup = await apiError(async () => alice.protectionGroups.create({ name: 'sdk-web', replication_type: 'sync' }, { peerToken: await peer.token('alice') }));
  assert.equal(dup.status, 409);
  assert.match(dup.message, /A protection group named 'sdk-web' already exists/);

  // Another project's PG does not exist for carol.
  const carol = new ProtectorClient({ session: sessionFor(h, 'carol'), site: 'site-a' });
  const missing = await apiError(() => carol.protectionGroups.get(pg.id));
  assert.equal(missing.status, 404);
  assert.equal(missing.title, 'Not Found');
  assert.equal(missing.message, `Protection group ${pg.id} could not be found.`);
  assert.ok(missing.isNotFound);
  assert.deepEqual(await carol.protectionGroups.list(), []);

  // 400 naming the field: the schema, and the peer header.
  const badName = await apiError(async () => alice.protectionGroups.create({ name: ' padded ', replication_type: 'async' }, { peerToken: await peer.token('alice') }));
  assert.equal(badName.status, 400);
  assert.equal(badName.title, 'Bad Request');
  assert.match(badName.message, /^Invalid input for field\/attribute protection_group\.name\./);
  const noPeer = await apiError(() => alice.protectionGroups.create({ name: 'no-peer', replication_type: 'async' }, { peerToken: '' }));
  assert.equal(noPeer.status, 400);
  assert.match(noPeer.message, /X-Peer-Auth-Token/);

  const ack = await alice.metadata.ack(pg.id, 1);
  assert.deepEqual(ack, { version: 1, sync_state: 'in_sync' });
  const updated = await alice.protectionGroups.update(pg.id, { description: 'the web tier' });
  assert.equal(updated.description, 'the web tier');
  assert.equal(updated.metadata_version, 2);
  assert.equal(updated.sync_state, 'out_of_sync');
  await alice.metadata.ack(pg.id, 2);
});

test('lists follow the next links, or return one page with the next marker', async () => {
  const ids = [await activePg('sdk-page-1'), await activePg('sdk-page-2'), await activePg('sdk-page-3')];
  const all = await alice.protectionGroups.list({ limit: 1, sort: 'name' });
  const paged = all.filter((p) => p.name.startsWith('sdk-page-')).map((p) => p.id);
  assert.deepEqual(paged, ids);
  assert.ok(all.length >= 3);
  const first = await alice.protectionGroups.listPage({ limit: 2, sort: 'name' });
  assert.equal(first.items.length, 2);
  assert.equal(first.next?.marker, first.items[1]?.id);
  assert.equal(first.next?.limit, '2');
  const second = await alice.protectionGroups.listPage({ ...first.next, limit: 2 });
  assert.notEqual(second.items[0]?.id, first.items[0]?.id);
  const byName = await alice.protectionGroups.list({ name: 'sdk-page-2' });
  assert.deepEqual(byName.map((p) => p.id), [ids[1]]);
  const badMarker = await apiError(() => alice.protectionGroups.listPage({ marker: 'nope' }));
  assert.equal(badMarker.status, 400);
  assert.match(badMarker.message, /field\/attribute marker/);
});

test('members, policy, resource mappings, metadata and sync status of an active PG', async () => {
  const pgId = await activePg('sdk-db');
  assert.deepEqual(await alice.members.list(pgId), []);
  const notMember = await apiError(() => alice.members.remove(pgId, 'no-such-server'));
  assert.equal(notMember.status, 404);

  const policy = await alice.policy.get(pgId);
  assert.equal(policy.pg_id, pgId);
  assert.equal(typeof policy.interval_minutes, 'number');
  assert.equal(typeof policy.retention.source.per_day, 'number');
  const wanted: PolicyInput = { interval_minutes: 5, rpo_minutes: 15, retention: { source: { all_for_sec: 3600, per_day: 4, days: 2 }, target: { all_for_sec: 7200, per_day: 6, days: 7 } } };
  const tooShort = await apiError(() => alice.policy.set(pgId, { ...wanted, rpo_minutes: 2 }));
  assert.equal(tooShort.status, 400);
  assert.match(tooShort.message, /^Invalid input for field\/attribute policy\.rpo_minutes\./);
  const set = await alice.policy.set(pgId, wanted);
  assert.equal(set.rpo_minutes, 15);
  assert.deepEqual(set.retention, wanted.retention);

  let status = await alice.metadata.syncStatus(pgId);
  assert.equal(status.protection_group_id, pgId);
  assert.equal(status.metadata_version, 2);
  assert.equal(status.sync_state, 'out_of_sync');
  assert.equal(status.changes_allowed, false);
  assert.equal(status.rpo_minutes, 15);
  assert.equal(status.interval_minutes, 5);
  const stale = await apiError(() => alice.metadata.ack(pgId, 1));
  assert.equal(stale.status, 409);
  assert.match(stale.message, /is at metadata version 2, not 1/);
  await alice.metadata.ack(pgId, 2);

  // In the order the API keeps them (by kind).
  const mappings = [
    { kind: 'flavor' as const, source_site_id: peer.local.id, source_id: 'm1.small', target_id: 'm1.tiny' },
    { kind: 'network' as const, source_site_id: peer.local.id, source_id: 'net-prod', target_id: 'net-dr' },
  ];
  const saved = await alice.resourceMappings.replace(pgId, mappings);
  assert.deepEqual(saved, mappings);
  assert.deepEqual(await alice.resourceMappings.get(pgId), mappings);
  await alice.metadata.ack(pgId, 3);
  const badSite = await apiError(() => alice.resourceMappings.replace(pgId, [{ ...mappings[0]!, source_site_id: 'elsewhere' }]));
  assert.equal(badSite.status, 400);
  assert.match(badSite.message, /resource_mappings\.0\.source_site_id/);

  const md = await alice.metadata.get(pgId);
  assert.equal(md.version, 3);
  assert.equal(md.sync_state, 'in_sync');
  assert.equal(md.document.protection_group.id, pgId);
  assert.equal(md.document.policy.rpo_minutes, 15);
  assert.deepEqual(md.document.resource_mappings, mappings);
  assert.deepEqual(md.document.sites.map((s) => s.name).sort(), ['site-a', 'site-b']);
  // A push that expects an older version than this site holds is the divergence 409.
  const diverged = await apiError(() => alice.metadata.push(pgId, { expected_version: 1, version: 4, document: md.document }));
  assert.equal(diverged.status, 409);
  assert.match(diverged.message, /diverged/);
  const pushed = await alice.metadata.push(pgId, { expected_version: 3, version: 4, document: { ...md.document, protection_group: { ...md.document.protection_group, description: 'pushed' } } });
  assert.equal(pushed.version, 4);
  assert.equal(pushed.sync_state, 'in_sync');
  assert.equal((await alice.protectionGroups.get(pgId)).description, 'pushed');
  status = await alice.metadata.syncStatus(pgId);
  assert.equal(status.changes_allowed, true);

  assert.deepEqual(await alice.recoveryPoints.list(pgId), [], 'no array construct yet: no recovery points');
});

test('operations: filters, steps, queued_seconds and rto_seconds, waiting with progress, cancel', async () => {
  const created = await alice.protectionGroups.create({ name: 'sdk-ops', replication_type: 'async' }, { peerToken: await peer.token('alice') });
  const pgId = created.protection_group.id;
  const opId = created.operation.id;
  const listed = await alice.operations.list({ pg_id: pgId });
  assert.deepEqual(listed.map((o) => [o.id, o.type, o.status]), [[opId, 'pg_create', 'pending']]);
  assert.deepEqual(await alice.operations.list({ pg_id: pgId, status: 'completed' }), []);
  const pending = await alice.operations.get(opId);
  assert.deepEqual(pending.steps, []);
  // Waiting for an engine: the wait so far, which is also the RTO so far (it counts from the request).
  assert.equal(typeof pending.queued_seconds, 'number');
  assert.ok(pending.rto_seconds !== null && pending.rto_seconds >= pending.queued_seconds);
  assert.equal(pending.protection_group_id, pgId);

  // The wait reports the pending operation, then its finish with the step.
  const seen: OperationDetail[] = [];
  const waiting = alice.waitForOperation(opId, { intervalMs: 20, timeoutMs: 10_000, onProgress: (op) => seen.push(op) });
  await new Promise((r) => setTimeout(r, 100));
  await completeOperation(h, opId);
  const done = await waiting;
  assert.equal(done.status, 'completed');
  assert.deepEqual(seen.map((o) => o.status), ['pending', 'completed']);
  assert.deepEqual(done.steps.map((s) => [s.seq, s.name, s.status]), [[1, 'do_it', 'completed']]);
  assert.equal(typeof done.rto_seconds, 'number');
  assert.equal(typeof done.steps[0]?.duration_ms, 'number');

  const again = await apiError(() => alice.operations.cancel(opId));
  assert.equal(again.status, 409);
  assert.match(again.message, /already completed/);
  const nothing = await apiError(() => alice.operations.cleanup(opId));
  assert.equal(nothing.status, 409);
  const unknown = await apiError(() => alice.operations.get('no-such-op'));
  assert.equal(unknown.status, 404);

  // A delete nobody has started can be cancelled; the PG is active again.
  await pgs.update(pgId, { status: 'active' });
  await alice.metadata.ack(pgId, 1);
  const del = await alice.protectionGroups.delete(pgId);
  assert.equal(del.protection_group.status, 'deleting');
  assert.equal(del.operation.type, 'pg_delete');
  const cancelled = await alice.operations.cancel(del.operation.id);
  assert.equal(cancelled.status, 'cancelled');
  assert.deepEqual(cancelled.steps, []);
  assert.equal((await alice.protectionGroups.get(pgId)).status, 'active');

  // A wait that runs out names the operation and its state.
  const stuck = await alice.protectionGroups.create({ name: 'sdk-stuck', replication_type: 'async' }, { peerToken: await peer.token('alice') });
  await assert.rejects(alice.waitForOperation(stuck.operation.id, { intervalMs: 10, timeoutMs: 50 }), (err: unknown) => {
    assert.ok(err instanceof OperationWaitTimeoutError);
    assert.match(err.message, /is still pending after/);
    return true;
  });
});

test('health, and a dry-run failover answers the pre-check report without recording anything', async () => {
  const pgId = await activePg('sdk-dr');
  const health = (await alice.health.get()).find((x) => x.protection_group_id === pgId);
  assert.ok(health);
  assert.equal(health.name, 'sdk-dr');
  assert.equal(health.status, 'active');
  assert.equal(health.replication_type, 'async');
  assert.equal(health.failover_ready, false);
  assert.ok(health.reasons.includes('the protection group has no members'), health.reasons.join('; '));
  assert.equal(health.rpo_compliant, false);
  // Answered from the recorded replication state, which no engine has read yet in this harness.
  assert.deepEqual([health.checked_at, health.state_age_seconds, health.stale, health.state_error, health.transfer_in_progress], [null, null, false, null, false]);

  const report = await alice.actions.failover(pgId, { type: 'planned', dry_run: true });
  assert.equal(report.action, 'planned_failover');
  assert.equal(report.ok, false);
  assert.ok(report.checks.includes('recovery_point'));
  assert.ok(report.blockers.some((b) => b.code === 'no_array_group' && b.severity === 'blocker'), report.report);
  assert.equal(typeof report.report, 'string');
  assert.ok(report.report.length > 0);
  const drill = await alice.actions.testCleanup(pgId, { dry_run: true });
  assert.deepEqual(drill.blockers.map((b) => b.code), ['pg_state_invalid']);
  assert.deepEqual(await alice.operations.list({ pg_id: pgId, type: 'failover' }), [], 'a dry run records no operation');

  // Posted here, a real failover is refused naming the site that must run it.
  const wrongSite = await apiError(() => alice.actions.failover(pgId, { type: 'planned' }));
  assert.equal(wrongSite.status, 409);
  assert.match(wrongSite.message, /runs on site site-b/);
});

test('admin: sites and tenant mappings; a tenant is refused', async () => {
  const admin = new ProtectorClient({ session: sessionFor(h, 'admin'), site: 'site-a' });
  const sites = await admin.sites.list();
  assert.deepEqual(sites.map((s) => s.name).sort(), ['site-a', 'site-b']);
  const local = await admin.sites.get(peer.local.id);
  assert.equal(local.is_local, true);
  assert.equal(local.credentials.password, undefined);
  const secret = await admin.sites.get(peer.local.id, { showSecrets: true });
  assert.equal(secret.credentials.password, 'secret');
  const mappings = await admin.tenantMappings.list({ local_project_id: h.projects.demo });
  assert.equal(mappings.length, 1);
  assert.equal(mappings[0]?.remote_project_id, peer.projects.demo);
  assert.equal((await admin.tenantMappings.get(mappings[0]!.id)).remote_site_id, peer.remote.id);
  const dupMapping = await apiError(() => admin.tenantMappings.create({ local_project_id: h.projects.demo, remote_site_id: peer.remote.id, remote_project_id: peer.projects.demo }));
  assert.equal(dupMapping.status, 409);
  const inUse = await apiError(() => admin.sites.delete(peer.remote.id));
  assert.equal(inUse.status, 409);
  assert.match(inUse.message, /is in use by/);

  const site = await admin.sites.create({
    name: 'site-c',
    auth_url: 'http://127.0.0.1:9/v3',
    region_name: 'RegionOne',
    credentials: { username: 'admin', password: 'pw', project_name: 'admin' },
    array: { name: 'site-c-array' },
  });
  assert.equal(site.is_local, false);
  assert.equal(site.credentials.user_domain_name, 'Default');
  const renamed = await admin.sites.update(site.id, { description: 'third', array: { url: 'http://127.0.0.1:9' } });
  assert.equal(renamed.description, 'third');
  assert.equal(renamed.array.url, 'http://127.0.0.1:9');
  const validation = await admin.sites.validate(site.id);
  assert.equal(validation.site_id, site.id);
  assert.equal(validation.ok, false);
  assert.ok(validation.checks.some((c) => c.service === 'keystone' && c.status === 'error'));
  const types = await admin.sites.volumeTypes(peer.local.id);
  assert.deepEqual(types.map((t) => [t.name, t.replication_type]).sort(), [['replicated-async', 'async'], ['replicated-sync', 'sync']]);
  await admin.sites.delete(site.id);
  assert.equal((await apiError(() => admin.sites.get(site.id))).status, 404);

  const forbidden = await apiError(() => alice.sites.list());
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.title, 'Forbidden');
});

test('an endpoint that does not answer is a clear error naming the site, the endpoint and the cause', async () => {
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const closed = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  const endpoint = `http://127.0.0.1:${closed}/v1`;
  const refused = new ProtectorClient({ session: sessionFor(h, 'alice'), site: 'site-x', endpointOverride: endpoint });
  await assert.rejects(refused.protectionGroups.list(), (err: unknown) => {
    assert.ok(err instanceof ProtectorUnreachableError, String(err));
    assert.equal(err.message, `site site-x (Protector at ${endpoint}) is unreachable: connection refused`);
    assert.equal(err.site, 'site-x');
    assert.equal(err.endpoint, endpoint);
    assert.equal(err.reason, 'connection refused');
    assert.equal(err.timedOut, false);
    return true;
  });

  // A server that accepts and never answers: the timeout, in the same shape.
  const sockets: Socket[] = [];
  const silent = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  try {
    const hung = new ProtectorClient({ session: sessionFor(h, 'alice'), endpointOverride: `http://127.0.0.1:${port}`, timeoutMs: 200 });
    await assert.rejects(hung.health.get(), (err: unknown) => {
      assert.ok(err instanceof ProtectorUnreachableError, String(err));
      assert.equal(err.message, `Protector at http://127.0.0.1:${port}/v1 is unreachable: no answer within 200 ms`);
      assert.equal(err.timedOut, true);
      return true;
    });
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  }
});

test('the negotiated microversion and the token go with every request; a bad client version is refused', async () => {
  // A stand-in service that offers microversions up to 1.3 and records what it was sent.
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const fake = createHttpServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/') return void res.end(JSON.stringify({ versions: [{ id: 'v1.0', status: 'CURRENT', version: '1.3', min_version: '1.0', updated: '', links: [] }] }));
    res.statusCode = 503;
    res.end(JSON.stringify({ error: { code: 503, title: 'Service Unavailable', message: 'The arrays could not be asked:\n link down' } }));
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
  try {
    const session = sessionFor(h, 'alice');
    const c = new ProtectorClient({ session, endpointOverride: `${url}/v1/`, maxVersion: '1.2', requestId: 'req-11111111-2222-3333-4444-555555555555' });
    assert.equal(await c.apiVersion(), '1.2');
    const err = await apiError(() => c.health.get());
    assert.equal(err.status, 503);
    assert.equal(err.title, 'Service Unavailable');
    assert.equal(err.message, 'The arrays could not be asked: link down');
    const call = seen.find((s) => s.url === `/v1/${h.projects.demo}/health`);
    assert.ok(call, JSON.stringify(seen.map((s) => s.url)));
    assert.equal(call.headers['openstack-api-version'], 'protector 1.2');
    assert.equal(call.headers['x-auth-token'], await session.token());
    assert.equal(call.headers['x-openstack-request-id'], 'req-11111111-2222-3333-4444-555555555555');
    assert.equal(seen.find((s) => s.url === '/')?.headers['openstack-api-version'], undefined, 'discovery is unversioned');

    const old = new ProtectorClient({ session, endpointOverride: url, maxVersion: '0.9' });
    await assert.rejects(old.health.get(), ProtectorVersionError);
  } finally {
    await new Promise((r) => fake.close(r));
  }
});
