import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ArrayModel } from '../../src/index.js';
import type { ArrayRestClient } from '../../src/rest/index.js';
import { ManualClock } from '../../src/clock.js';
import { assertError, serveLoggedIn, type List } from '../helpers/rest.js';

// Pods over the FlashArray REST face: stretched over fa-a and fa-b (sync connection), linked from
// fa-a to fa-c (ActiveDR), and volumes moved into and out of pods.

const MiB = 1024 * 1024;
const clock = new ManualClock();
const model = ArrayModel.open(':memory:', clock);

interface Pod {
  id: string;
  name: string;
  arrays: { name: string; id: string; status: string }[];
  array_count: number;
  destroyed: boolean;
  failover_preferences: { name: string }[];
  promotion_status: string;
  requested_promotion_state: string;
  time_remaining: number | null;
}
interface PodMember {
  group: { name: string; id: string };
  member: { name: string; id: string };
  status: string;
}
interface Link {
  id: string;
  direction: string;
  local_pod: { name: string; id: string };
  remote_pod: { name: string; id: string };
  remotes: { name: string; id: string }[];
  paused: boolean;
  status: string;
  recovery_point: number | null;
  lag: number | null;
}

for (const n of ['fa-a', 'fa-b', 'fa-c']) model.createArray(n);
model.connectArrays('fa-a', 'fa-b', { type: 'sync-replication', bandwidth: 100 * MiB, latency_ms: 1 });
model.connectArrays('fa-a', 'fa-c', { bandwidth: 100 * MiB, latency_ms: 1 });
const [a, b, c] = (await serveLoggedIn(model, ['fa-a', 'fa-b', 'fa-c'], clock)) as [ArrayRestClient, ArrayRestClient, ArrayRestClient];
after(() => model.close());


test('create a pod, set failover preferences, destroy, recover and eradicate it', async () => {
  const made = await a.call<List<Pod>>('POST', 'pods', { query: { names: 'p1' }, body: { failover_preferences: [{ name: 'fa-a' }] } });
  assert.equal(made.status, 200, made.text);
  const p = made.body.items[0]!;
  assert.equal(p.name, 'p1');
  assert.deepEqual(p.failover_preferences, [{ name: 'fa-a' }]);
  assert.deepEqual(p.arrays.map((x) => [x.name, x.status]), [['fa-a', 'online']]);
  assert.equal(p.promotion_status, 'promoted');
  assert.equal(p.id, model.getPod('fa-a', 'p1').id);

  const cleared = await a.call<List<Pod>>('PATCH', 'pods', { query: { names: 'p1' }, body: { failover_preferences: [] } });
  assert.deepEqual(cleared.body.items[0]?.failover_preferences, []);
  assertError(await a.call('POST', 'pods', { query: { names: 'p1' } }), 400, 'p1', /already exists/);
  assertError(await a.call('POST', 'pods', { query: { names: 'p2' }, body: { failover_preferences: ['fa-a'] } }), 400, 'failover_preferences.0');
  assertError(await a.call('POST', 'pods', { query: { names: 'p2' }, body: { failover_preferences: [{ name: 'fa-z' }] } }), 400, 'p2', /fa-z/);
  assertError(await a.call('PATCH', 'pods', { query: { names: 'p1' }, body: { requested_promotion_state: 'sideways' } }), 400, 'requested_promotion_state');
  assertError(await a.call('PATCH', 'pods', { query: { names: 'p1', promote_from: 'x' }, body: {} }), 400, 'promote_from');

  assertError(await a.call('DELETE', 'pods', { query: { names: 'p1' } }), 400, 'p1', /destroyed/);
  const d = await a.call<List<Pod>>('PATCH', 'pods', { query: { names: 'p1' }, body: { destroyed: true } });
  assert.equal(d.body.items[0]?.destroyed, true);
  assert.ok((d.body.items[0]?.time_remaining ?? 0) > 0);
  const listed = await a.call<List<Pod>>('GET', 'pods', { query: { destroyed: true } });
  assert.deepEqual(listed.body.items.map((x) => x.name), ['p1']);
  const r = await a.call<List<Pod>>('PATCH', 'pods', { query: { ids: p.id }, body: { destroyed: false } });
  assert.equal(r.body.items[0]?.destroyed, false);
  await a.call('PATCH', 'pods', { query: { names: 'p1' }, body: { destroyed: true } });
  assert.equal((await a.call('DELETE', 'pods', { query: { names: 'p1' } })).status, 200);
  assertError(await a.call('GET', 'pods', { query: { names: 'p1' } }), 400, 'p1');
});

test('move a volume into a pod and out again with PATCH volumes {pod}', async () => {
  await a.call('POST', 'pods', { query: { names: 'pm' } });
  model.createVolume('fa-a', 'mv', MiB);
  model.writeVolume('fa-a', 'mv', 0, Buffer.from('inside'));
  const moved = await a.call<List<{ name: string; pod: { name: string } | null }>>('PATCH', 'volumes', { query: { names: 'mv' }, body: { pod: { name: 'pm' } } });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.body.items[0]?.name, 'pm::mv');
  assert.deepEqual(moved.body.items[0]?.pod, { name: 'pm' });
  assert.equal(model.readVolume('fa-a', 'pm::mv', 0, 6).toString(), 'inside');
  const inPod = await a.call<List<{ name: string }>>('GET', 'volumes', { query: { filter: "pod.name='pm'" } });
  assert.deepEqual(inPod.body.items.map((v) => v.name), ['pm::mv']);
  const out = await a.call<List<{ name: string; pod: unknown }>>('PATCH', 'volumes', { query: { names: 'pm::mv' }, body: { pod: null } });
  assert.equal(out.body.items[0]?.name, 'mv');
  assert.equal(out.body.items[0]?.pod, null);
  assertError(await a.call('PATCH', 'volumes', { query: { names: 'mv' }, body: { pod: { name: 'no-pod' } } }), 400, 'mv', /no-pod/);
  assertError(await a.call('PATCH', 'volumes', { query: { names: 'mv' }, body: { pod: { name: 5 } } }), 400, 'pod.name');
  assertError(await a.call('PATCH', 'volumes', { query: { names: 'mv' }, body: { pod: {} } }), 400, 'pod.name');
});

test('pods/arrays stretches a pod to a second array and back', async () => {
  await a.call('POST', 'pods', { query: { names: 'ps' } });
  assertError(await a.call('POST', 'pods/arrays', { query: { group_names: 'ps', member_names: 'fa-c' } }), 400, 'fa-c', /sync/);
  await a.call('POST', 'volumes', { query: { names: 'ps::v' }, body: { provisioned: MiB } });
  const added = await a.call<List<PodMember>>('POST', 'pods/arrays', { query: { group_names: 'ps', member_names: 'fa-b' } });
  assert.equal(added.status, 200, added.text);
  assert.deepEqual(added.body.items.map((m) => [m.group.name, m.member.name]), [['ps', 'fa-b']]);
  assert.equal(added.body.items[0]?.member.id, model.getArray('fa-b').id);
  clock.advance(1000);
  const members = await a.call<List<PodMember>>('GET', 'pods/arrays', { query: { group_names: 'ps' } });
  assert.deepEqual(members.body.items.map((m) => [m.member.name, m.status]), [['fa-a', 'online'], ['fa-b', 'online']]);
  // The other array sees the same pod, and its volumes.
  const onB = await b.call<List<Pod>>('GET', 'pods', { query: { names: 'ps' } });
  assert.equal(onB.body.items[0]?.array_count, 2);
  const volsB = await b.call<List<{ name: string }>>('GET', 'volumes', { query: { names: 'ps::v' } });
  assert.equal(volsB.status, 200, volsB.text);
  assertError(await a.call('POST', 'pods/arrays', { query: { group_names: 'ps', member_names: 'fa-c' } }), 400, 'fa-c', /over two arrays/);
  assertError(await a.call('POST', 'pods/arrays', { query: { group_names: 'ps' } }), 400, 'member_names');
  assert.equal((await a.call('DELETE', 'pods/arrays', { query: { group_names: 'ps', member_names: 'fa-b' } })).status, 200);
  const after1 = await a.call<List<PodMember>>('GET', 'pods/arrays', { query: { group_names: 'ps' } });
  assert.deepEqual(after1.body.items.map((m) => m.member.name), ['fa-a']);
  assertError(await b.call('GET', 'pods', { query: { names: 'ps' } }), 400, 'ps');
});

test('pod-replica-links: link, pause, demote with quiesce, delete', async () => {
  await a.call('POST', 'pods', { query: { names: 'src' } });
  await a.call('POST', 'volumes', { query: { names: 'src::data' }, body: { provisioned: MiB } });
  model.writeVolume('fa-a', 'src::data', 0, Buffer.from('replicated'));
  await c.call('POST', 'pods', { query: { names: 'dst' } });
  const demoted = await c.call<List<Pod>>('PATCH', 'pods', { query: { names: 'dst' }, body: { requested_promotion_state: 'demoted' } });
  assert.equal(demoted.body.items[0]?.promotion_status, 'demoted');

  assertError(await a.call('POST', 'pod-replica-links', { query: { local_pod_names: 'src', remote_pod_names: 'dst' } }), 400, 'remote_names');
  const made = await a.call<List<Link>>('POST', 'pod-replica-links', { query: { local_pod_names: 'src', remote_pod_names: 'dst', remote_names: 'fa-c' } });
  assert.equal(made.status, 200, made.text);
  const l = made.body.items[0]!;
  assert.equal(l.direction, 'outbound');
  assert.deepEqual([l.local_pod.name, l.remote_pod.name, l.remotes.map((r) => r.name)], ['src', 'dst', ['fa-c']]);

  clock.advance(1000);
  const fromC = await c.call<List<Link>>('GET', 'pod-replica-links');
  assert.equal(fromC.body.items.length, 1);
  assert.equal(fromC.body.items[0]?.direction, 'inbound');
  assert.equal(fromC.body.items[0]?.id, l.id);
  assert.equal(model.readVolume('fa-c', 'dst::data', 0, 10).toString(), 'replicated');
  const filtered = await a.call<List<Link>>('GET', 'pod-replica-links', { query: { local_pod_names: 'src', filter: "direction='outbound'" } });
  assert.equal(filtered.body.items.length, 1);

  const paused = await a.call<List<Link>>('PATCH', 'pod-replica-links', { query: { local_pod_names: 'src', remote_pod_names: 'dst' }, body: { paused: true } });
  assert.equal(paused.status, 200, paused.text);
  assert.equal(paused.body.items[0]?.paused, true);
  assertError(await a.call('PATCH', 'pod-replica-links', { query: { local_pod_names: 'src', remote_pod_names: 'dst' }, body: { paused: 'yes' } }), 400, 'paused');
  assertError(await a.call('PATCH', 'pod-replica-links', { query: { local_pod_names: 'src', remote_pod_names: 'nope' }, body: { paused: false } }), 400, 'src');
  await a.call('PATCH', 'pod-replica-links', { query: { local_pod_names: 'src', remote_pod_names: 'dst' }, body: { paused: false } });

  // Demoting the source needs a decision about what the target has not yet received.
  assertError(await a.call('PATCH', 'pods', { query: { names: 'src' }, body: { requested_promotion_state: 'demoted' } }), 400, 'src', /quiesce/);
  const q = await a.call<List<Pod>>('PATCH', 'pods', { query: { names: 'src', quiesce: true }, body: { requested_promotion_state: 'demoted' } });
  assert.equal(q.status, 200, q.text);
  assert.equal(q.body.items[0]?.promotion_status, 'demoted');

  assert.equal((await a.call('DELETE', 'pod-replica-links', { query: { local_pod_names: 'src', remote_pod_names: 'dst' } })).status, 200);
  assert.deepEqual((await c.call<List<Link>>('GET', 'pod-replica-links')).body.items, []);
  assertError(await a.call('DELETE', 'pod-replica-links', { query: { local_pod_names: 'src', remote_pod_names: 'dst' } }), 400, 'src');
});
