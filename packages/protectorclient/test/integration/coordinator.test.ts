// DESIGN §5 between two real protector-api services (each with its own database and Keystone):
// a change pushed with expected_version and acknowledged, sync-status of both, a peer that does
// not answer refusing the change, and a divergence that only --source-site resolves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtectorClient } from '../../src/api/index.js';
import { DivergedError, pairSites, PeerUnreachableError, propagate, requireReachable, syncPair, syncStatus, type SiteHandle } from '../../src/coordinator/index.js';
import { isProtectorApiError } from '../../src/api/index.js';
import { startApi } from '../../../protector/test/helpers/api.js';
import { activePg } from '../../../protector/test/helpers/api-pg.js';
import { sessionFor } from '../helpers/protector-api.js';

const h1 = await startApi({ peer: true });
// The second service is site-b's own protector-api, paired with the first (a real pair: documents are signed and checked)
const h2 = await startApi({ peerOf: h1 });
const one: SiteHandle = { name: 'one', client: new ProtectorClient({ session: sessionFor(h1, 'alice'), endpointOverride: h1.url, site: 'one' }) };
const two: SiteHandle = { name: 'two', client: new ProtectorClient({ session: sessionFor(h2, 'alice'), endpointOverride: h2.url, site: 'two' }) };
const policy = (rpo: number) => ({ interval_minutes: 5, rpo_minutes: rpo, retention: { source: { all_for_sec: 3600, per_day: 1, days: 1 }, target: { all_for_sec: 3600, per_day: 1, days: 1 } } });

test('a change is pushed to the peer with expected_version, acknowledged, and both sites agree', async () => {
  const pgId = await activePg(h1, 'shared');
  const first = await propagate(pgId, one, two);
  assert.deepEqual([first.peerVersion, first.pushed], [0, true], 'the peer learns the PG');
  await one.client.policy.set(pgId, policy(45));
  assert.equal((await one.client.metadata.syncStatus(pgId)).sync_state, 'out_of_sync');
  const r = await propagate(pgId, one, two);
  assert.ok(r.pushed && r.acknowledged);
  assert.equal((await two.client.policy.get(pgId)).rpo_minutes, 45);
  const rows = await syncStatus(pgId, [one, two]);
  assert.deepEqual(rows.map((x) => [x.site, x.version, x.syncState]), [['one', r.version, 'IN SYNC'], ['two', r.version, 'IN SYNC']]);
  // Nothing new: nothing pushed.
  assert.deepEqual((await propagate(pgId, one, two)).pushed, false);
});

test('both sites changed: never merged silently; --source-site decides and both end at one version', async () => {
  const pgId = await activePg(h1, 'diverging');
  await propagate(pgId, one, two);
  await one.client.policy.set(pgId, policy(20));
  await two.client.policy.set(pgId, policy(90));
  await assert.rejects(propagate(pgId, one, two), (e: unknown) => e instanceof DivergedError && /one holds version \d+ \(out_of_sync\), two holds version \d+/.test(e.message) && /--source-site/.test(e.message));
  await assert.rejects(syncPair(pgId, one, two), DivergedError);
  const r = await syncPair(pgId, one, two, two);
  assert.deepEqual([r.from, r.to], ['two', 'one']);
  assert.equal((await one.client.policy.get(pgId)).rpo_minutes, 90, "two's copy won");
  const rows = await syncStatus(pgId, [one, two]);
  assert.ok(rows.every((x) => x.version === r.version && x.syncState === 'IN SYNC'), JSON.stringify(rows));
});

test('a peer that does not answer refuses the change, naming the site and the cause', async () => {
  const down: SiteHandle = { name: 'gone', client: new ProtectorClient({ session: sessionFor(h2, 'alice'), endpointOverride: 'http://127.0.0.1:9/v1', site: 'gone', timeoutMs: 2000 }) };
  await assert.rejects(requireReachable(down), (e: unknown) => e instanceof PeerUnreachableError && /^site gone is unreachable \(.+\); the change was refused and nothing changed on either site/.test(e.message));
  await assert.rejects(requireReachable(null), /no --secondary-cloud/);
});

test('site pair: one new secret on both services; a rotation still accepts documents signed just before it, a second one retires the old secret', async () => {
  const admin = (h: typeof h1, name: string): SiteHandle => ({ name, client: new ProtectorClient({ session: sessionFor(h, 'admin'), endpointOverride: h.url, site: name }) });
  const [a, b] = [admin(h1, 'one'), admin(h2, 'two')];
  const pgId = await activePg(h1, 'rotating');
  const signedBefore = await one.client.metadata.get(pgId);
  const rows = await pairSites(a, b);
  assert.deepEqual(rows.map((r) => [r.site, r.peer, r.pairing.paired, r.pairing.rotated]), [['site-a', 'site-b', true, true], ['site-b', 'site-a', true, true]]);
  assert.ok((await a.client.sites.list()).filter((s) => !s.is_local).every((s) => s.paired && s.paired_at !== null));
  assert.doesNotMatch(JSON.stringify(await a.client.sites.list()), /secret/, 'the secret is never shown');
  // Signed under the secret before the rotation: still accepted on the peer.
  await two.client.metadata.push(pgId, { expected_version: 0, version: signedBefore.version, document: signedBefore.document });
  await one.client.policy.set(pgId, policy(25));
  await propagate(pgId, one, two);
  // A second rotation: a document signed under the first secret no longer verifies.
  await pairSites(a, b);
  const held = (await two.client.metadata.syncStatus(pgId)).metadata_version;
  await assert.rejects(
    two.client.metadata.push(pgId, { expected_version: held, version: held + 1, document: signedBefore.document }),
    (e: unknown) => isProtectorApiError(e) && e.status === 409 && /signature over its site facts does not verify/.test(e.message),
  );
  // Documents signed now verify as before.
  await one.client.policy.set(pgId, policy(35));
  assert.ok((await propagate(pgId, one, two)).pushed);
  assert.equal((await two.client.policy.get(pgId)).rpo_minutes, 35);
});
