import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ArrayModel } from '../../src/index.js';
import type { ArrayRestClient } from '../../src/rest/index.js';
import { ManualClock } from '../../src/clock.js';
import { assertError, names, serveLoggedIn, type List } from '../helpers/rest.js';

// Array connections, protection groups, their members and targets, PG snapshots and replication,
// over two REST faces (fa-a replicates to fa-b).

const MiB = 1024 * 1024;
const clock = new ManualClock();
const model = ArrayModel.open(':memory:', clock);

interface Member {
  group: { name: string; id: string | null };
  member: { name: string; id: string | null };
  allowed?: boolean;
}
interface Pg {
  name: string;
  source: { name: string };
  snapshot_schedule: { enabled: boolean; frequency: number; at: number | null };
  replication_schedule: { enabled: boolean; frequency: number; blackout: { start: number; end: number } | null };
  source_retention: { all_for_sec: number; per_day: number; days: number };
  target_retention: { all_for_sec: number; per_day: number; days: number };
  volume_count: number;
  target_count: number;
  is_local: boolean;
  destroyed: boolean;
  time_remaining: number | null;
}
interface PgSnap {
  name: string;
  source: { name: string };
  suffix: string;
  created: number;
  destroyed: boolean;
  time_remaining: number | null;
}
interface Transfer {
  name: string;
  progress: number | null;
  started: number | null;
  completed: number | null;
  data_transferred: number | null;
  physical_bytes_written: number | null;
  destroyed: boolean;
}

model.createArray('fa-a');
model.createArray('fa-b');
// 10 MiB/s: a 1 MiB change takes 100 ms plus latency to reach fa-b.
model.connectArrays('fa-a', 'fa-b', { bandwidth: 10 * MiB, latency_ms: 5 });
const [a, b] = (await serveLoggedIn(model, ['fa-a', 'fa-b'], clock)) as [ArrayRestClient, ArrayRestClient];
after(() => model.close());



test('array-connections lists the remote array as each side sees it', async () => {
  const fromA = await a.call<List<{ name: string; id: string; status: string; type: string; version: string; replication_transport: string }>>('GET', 'array-connections');
  assert.equal(fromA.status, 200);
  assert.deepEqual(names(fromA.body), ['fa-b']);
  const conn = fromA.body.items[0]!;
  assert.equal(conn.status, 'connected');
  assert.equal(conn.type, 'async-replication');
  assert.equal(conn.replication_transport, 'ip');
  assert.equal(conn.version, model.getArray('fa-b').version);
  const fromB = await b.call<List<{ name: string; id: string }>>('GET', 'array-connections', { query: { names: 'fa-a' } });
  assert.deepEqual(names(fromB.body), ['fa-a']);
  assert.equal(fromB.body.items[0]?.id, conn.id);
  model.linkDown('fa-a', 'fa-b');
  try {
    const down = await a.call<List<{ status: string }>>('GET', 'array-connections', { query: { filter: "status='connecting'" } });
    assert.equal(down.body.items.length, 1);
  } finally {
    model.linkUp('fa-a', 'fa-b');
  }
  assertError(await a.call('GET', 'array-connections', { query: { names: 'fa-z' } }), 400, 'fa-z');
});

test('protection groups: create with schedules, update, list, delete', async () => {
  const made = await a.call<List<Pg>>('POST', 'protection-groups', {
    query: { names: 'pg-sched' },
    body: { snapshot_schedule: { enabled: true, frequency: 3600000 }, source_retention: { all_for_sec: 3600, per_day: 2, days: 3 } },
  });
  assert.equal(made.status, 200, made.text);
  const pg = made.body.items[0]!;
  assert.equal(pg.name, 'pg-sched');
  assert.deepEqual(pg.source, { name: 'fa-a' });
  assert.equal(pg.snapshot_schedule.enabled, true);
  assert.deepEqual(pg.source_retention, { all_for_sec: 3600, per_day: 2, days: 3 });
  assert.equal(pg.replication_schedule.enabled, false);

  const upd = await a.call<List<Pg>>('PATCH', 'protection-groups', {
    query: { names: 'pg-sched' },
    body: {
      replication_schedule: { enabled: true, frequency: 14400000, blackout: { start: 3600000, end: 7200000 } },
      target_retention: { all_for_sec: 86400, per_day: 4, days: 7 },
    },
  });
  assert.equal(upd.status, 200, upd.text);
  assert.deepEqual(upd.body.items[0]?.replication_schedule.blackout, { start: 3600000, end: 7200000 });
  assert.equal(model.getProtectionGroup('fa-a', 'pg-sched').replication_schedule.enabled, true);
  const cleared = await a.call<List<Pg>>('PATCH', 'protection-groups', { query: { names: 'pg-sched' }, body: { replication_schedule: { blackout: null } } });
  assert.equal(cleared.body.items[0]?.replication_schedule.blackout, null);

  assertError(await a.call('POST', 'protection-groups', { query: { names: 'pg-sched' } }), 400, 'pg-sched', /already exists/);
  assertError(await a.call('PATCH', 'protection-groups', { query: { names: 'pg-sched' }, body: { snapshot_schedule: { frequency: 'hourly' } } }), 400, 'snapshot_schedule.frequency');
  assertError(await a.call('PATCH', 'protection-groups', { query: { names: 'pg-sched' }, body: { snapshot_schedule: { at: 3600 } } }), 400, 'snapshot_schedule.at');
  assertError(await a.call('PATCH', 'protection-groups', { query: { names: 'pg-sched' }, body: { source_retention: { days: -1 } } }), 400, 'source_retention.days');
  assertError(await a.call('PATCH', 'protection-groups', { query: { names: 'pg-sched' }, body: { replication_schedule: { blackout: { start: 86400000 } } } }), 400, 'replication_schedule.blackout.start');
  assertError(await a.call('PATCH', 'protection-groups', { query: { names: 'nope' }, body: {} }), 400, 'nope', /does not exist/);

  const listed = await a.call<List<Pg>>('GET', 'protection-groups', { query: { filter: "snapshot_schedule.enabled='true'" } });
  assert.deepEqual(names(listed.body), ['pg-sched']);

  // Destroy, recover, destroy again, eradicate: as on the array, DELETE needs a destroyed group.
  assertError(await a.call('DELETE', 'protection-groups', { query: { names: 'pg-sched' } }), 400, 'pg-sched', /must be destroyed/);
  const gone = await a.call<List<Pg>>('PATCH', 'protection-groups', { query: { names: 'pg-sched' }, body: { destroyed: true } });
  assert.deepEqual([gone.body.items[0]?.destroyed, gone.body.items[0]?.time_remaining], [true, 24 * 3600 * 1000]);
  assertError(await a.call('POST', 'protection-groups', { query: { names: 'pg-sched' } }), 400, 'pg-sched', /pending eradication/);
  assertError(await a.call('PATCH', 'protection-groups', { query: { names: 'pg-sched' }, body: { snapshot_schedule: { enabled: false } } }), 400, 'pg-sched', /has been destroyed/);
  assert.deepEqual(names((await a.call<List<Pg>>('GET', 'protection-groups', { query: { destroyed: true } })).body), ['pg-sched']);
  const back = await a.call<List<Pg>>('PATCH', 'protection-groups', { query: { names: 'pg-sched' }, body: { destroyed: false, snapshot_schedule: { enabled: false } } });
  assert.deepEqual([back.body.items[0]?.destroyed, back.body.items[0]?.snapshot_schedule.enabled], [false, false]);
  await a.call('PATCH', 'protection-groups', { query: { names: 'pg-sched' }, body: { destroyed: true } });
  assert.equal((await a.call('DELETE', 'protection-groups', { query: { names: 'pg-sched' } })).status, 200);
  assertError(await a.call('GET', 'protection-groups', { query: { names: 'pg-sched' } }), 400, 'pg-sched', /does not exist/);
});

test('protection-groups/volumes and /targets add, list, allow and remove members', async () => {
  model.createVolume('fa-a', 'm1', MiB);
  model.createVolume('fa-a', 'm2', MiB);
  await a.call('POST', 'protection-groups', { query: { names: 'pg-m' } });
  const added = await a.call<List<Member>>('POST', 'protection-groups/volumes', { query: { group_names: 'pg-m', member_names: 'm1,m2' } });
  assert.equal(added.status, 200, added.text);
  assert.deepEqual(added.body.items.map((m) => m.member.name), ['m1', 'm2']);
  assert.equal(added.body.items[0]?.member.id, model.getVolume('fa-a', 'm1').id);
  const vols = await a.call<List<Member>>('GET', 'protection-groups/volumes', { query: { group_names: 'pg-m' } });
  assert.deepEqual(vols.body.items.map((m) => [m.group.name, m.member.name]), [['pg-m', 'm1'], ['pg-m', 'm2']]);
  const one = await a.call<List<Member>>('GET', 'protection-groups/volumes', { query: { member_names: 'm2' } });
  assert.deepEqual(one.body.items.map((m) => m.member.name), ['m2']);
  assert.equal((await a.call('DELETE', 'protection-groups/volumes', { query: { group_names: 'pg-m', member_names: 'm2' } })).status, 200);
  assert.deepEqual(model.getProtectionGroup('fa-a', 'pg-m').volumes, ['m1']);
  assertError(await a.call('POST', 'protection-groups/volumes', { query: { group_names: 'pg-m', member_names: 'ghost' } }), 400, 'pg-m', /ghost/);
  assertError(await a.call('POST', 'protection-groups/volumes', { query: { group_names: 'pg-m', member_names: 'm1' } }), 400, 'pg-m', /already a member/);
  assertError(await a.call('DELETE', 'protection-groups/volumes', { query: { group_names: 'pg-m', member_names: 'm2' } }), 400, 'pg-m', /not a member/);
  assertError(await a.call('POST', 'protection-groups/volumes', { query: { group_names: 'pg-m' } }), 400, 'member_names');

  const t = await a.call<List<Member>>('POST', 'protection-groups/targets', { query: { group_names: 'pg-m', member_names: 'fa-b' } });
  assert.equal(t.status, 200, t.text);
  assert.deepEqual(t.body.items.map((m) => [m.member.name, m.allowed]), [['fa-b', true]]);
  assert.equal(t.body.items[0]?.member.id, model.getArray('fa-b').id);
  assertError(await a.call('POST', 'protection-groups/targets', { query: { group_names: 'pg-m', member_names: 'fa-x' } }), 400, 'pg-m');
  assertError(await a.call('POST', 'protection-groups/targets', { query: { group_names: 'pg-m', member_names: 'fa-b' } }), 400, 'pg-m', /already includes/);
  // The target shows the group as soon as it is a target, read-only, named after the source.
  const replica = await b.call<List<Pg>>('GET', 'protection-groups', { query: { names: 'fa-a:pg-m' } });
  assert.equal(replica.status, 200, replica.text);
  assert.deepEqual([replica.body.items[0]?.is_local, replica.body.items[0]?.source.name, replica.body.items[0]?.target_count], [false, 'fa-a', 0]);
  assertError(await b.call('PATCH', 'protection-groups', { query: { names: 'fa-a:pg-m' }, body: { destroyed: true } }), 400, 'fa-a:pg-m', /replica/);
  // The target withdraws and gives consent as the array does: on its side, naming <source>:<pg>.
  const refused = await b.call<List<Member>>('PATCH', 'protection-groups/targets', { query: { group_names: 'fa-a:pg-m' }, body: { allowed: false } });
  assert.equal(refused.status, 200, refused.text);
  assert.equal(model.getProtectionGroup('fa-a', 'pg-m').targets[0]?.allowed, false);
  const targets = await a.call<List<Member>>('GET', 'protection-groups/targets', { query: { group_names: 'pg-m' } });
  assert.equal(targets.body.items[0]?.allowed, false);
  await a.call('PATCH', 'protection-groups/targets', { query: { group_names: 'pg-m' }, body: { allowed: true } });
  assert.equal(model.getProtectionGroup('fa-a', 'pg-m').targets[0]?.allowed, true);
  assertError(await b.call('PATCH', 'protection-groups/targets', { query: { group_names: 'fa-a:pg-m' }, body: {} }), 400, 'allowed');
  assertError(await b.call('PATCH', 'protection-groups/targets', { query: { group_names: 'fa-a:nope' }, body: { allowed: true } }), 400, 'fa-a:nope');
  assert.equal((await a.call('DELETE', 'protection-groups/targets', { query: { group_names: 'pg-m', member_names: 'fa-b' } })).status, 200);
  assert.deepEqual(model.getProtectionGroup('fa-a', 'pg-m').targets, []);
});

test('protection-group snapshots: take, list by source, eradicate; bad input', async () => {
  model.createVolume('fa-a', 'ps1', MiB);
  await a.call('POST', 'protection-groups', { query: { names: 'pg-s' } });
  await a.call('POST', 'protection-groups/volumes', { query: { group_names: 'pg-s', member_names: 'ps1' } });
  const s1 = await a.call<List<PgSnap>>('POST', 'protection-group-snapshots', { query: { source_names: 'pg-s' } });
  assert.equal(s1.status, 200, s1.text);
  assert.equal(s1.body.items[0]?.name, 'pg-s.1');
  assert.deepEqual(s1.body.items[0]?.source, { name: 'pg-s' });
  const s2 = await a.call<List<PgSnap>>('POST', 'protection-group-snapshots', { query: { source_names: 'pg-s', apply_retention: true }, body: { suffix: 'manual' } });
  assert.equal(s2.body.items[0]?.name, 'pg-s.manual');
  assert.equal(s2.body.items[0]?.created, clock.now());
  const listed = await a.call<List<PgSnap>>('GET', 'protection-group-snapshots', { query: { source_names: 'pg-s', sort: 'name-' } });
  assert.deepEqual(names(listed.body), ['pg-s.manual', 'pg-s.1']);
  // Their volumes are volume snapshots too, as the array lists them.
  const vs = await a.call<List<{ name: string }>>('GET', 'volume-snapshots', { query: { names: 'pg-s.1.ps1' } });
  assert.deepEqual(names(vs.body), ['pg-s.1.ps1']);
  const xfer = await a.call<List<Transfer>>('GET', 'protection-group-snapshots/transfer', { query: { names: 'pg-s.1' } });
  assert.deepEqual(xfer.body.items, [{ name: 'pg-s.1', completed: null, data_transferred: null, destroyed: false, physical_bytes_written: null, progress: null, started: null }]);

  assertError(await a.call('POST', 'protection-group-snapshots', { query: { source_names: 'pg-s' }, body: { suffix: 'manual' } }), 400, 'pg-s', /already exists/);
  assertError(await a.call('POST', 'protection-group-snapshots', { query: { source_names: 'pg-s' }, body: { suffix: 42 } }), 400, 'suffix');
  assertError(await a.call('POST', 'protection-group-snapshots', { query: { source_names: 'nope' } }), 400, 'nope');
  assertError(await a.call('POST', 'protection-group-snapshots', { query: { source_names: 'pg-s', replicate_now: 'soon' } }), 400, 'replicate_now');
  assertError(await a.call('POST', 'protection-group-snapshots', { query: { source_names: 'pg-s', replicate: true, replicate_now: true } }), 400, 'replicate');
  assertError(await a.call('GET', 'protection-group-snapshots', { query: { names: 'pg-s.9' } }), 400, 'pg-s.9');
  // A group's name selects its snapshots.
  assert.deepEqual(names((await a.call<List<PgSnap>>('GET', 'protection-group-snapshots', { query: { names: 'pg-s' } })).body), ['pg-s.1', 'pg-s.manual']);
  assertError(await a.call('DELETE', 'protection-group-snapshots', { query: { names: 'pg-s.1' } }), 400, 'pg-s.1', /must be destroyed/);
  const d = await a.call<List<PgSnap>>('PATCH', 'protection-group-snapshots', { query: { names: 'pg-s.1' }, body: { destroyed: true } });
  assert.deepEqual([d.body.items[0]?.destroyed, d.body.items[0]?.time_remaining], [true, 24 * 3600 * 1000]);
  assert.equal((await a.call<List<{ destroyed: boolean }>>('GET', 'volume-snapshots', { query: { names: 'pg-s.1.ps1' } })).body.items[0]?.destroyed, true);
  const r = await a.call<List<PgSnap>>('PATCH', 'protection-group-snapshots', { query: { names: 'pg-s.1' }, body: { destroyed: false } });
  assert.equal(r.body.items[0]?.destroyed, false);
  await a.call('PATCH', 'protection-group-snapshots', { query: { names: 'pg-s.1' }, body: { destroyed: true } });
  assert.equal((await a.call('DELETE', 'protection-group-snapshots', { query: { names: 'pg-s.1' } })).status, 200);
  assertError(await a.call('DELETE', 'protection-group-snapshots', { query: { names: 'pg-s.1' } }), 400, 'pg-s.1', /does not exist/);
});

test('end to end: replicate_now reaches the target, which copies a volume out of the snapshot', async () => {
  // Volumes and a protection group on the source, over HTTP.
  for (const v of ['db', 'logs']) {
    assert.equal((await a.call('POST', 'volumes', { query: { names: v }, body: { provisioned: 4 * MiB } })).status, 200);
  }
  model.writeVolume('fa-a', 'db', 0, Buffer.alloc(MiB, 7));
  model.writeVolume('fa-a', 'logs', 512, Buffer.from('log line'));
  assert.equal((await a.call('POST', 'protection-groups', { query: { names: 'pg-e2e' } })).status, 200);
  assert.equal((await a.call('POST', 'protection-groups/volumes', { query: { group_names: 'pg-e2e', member_names: 'db,logs' } })).status, 200);
  assert.equal((await a.call('POST', 'protection-groups/targets', { query: { group_names: 'pg-e2e', member_names: 'fa-b' } })).status, 200);

  const snap = await a.call<List<PgSnap>>('POST', 'protection-group-snapshots', { query: { source_names: 'pg-e2e', replicate_now: true }, body: { suffix: 'dr1' } });
  assert.equal(snap.status, 200, snap.text);
  // Writes after the snapshot must not reach the copy.
  model.writeVolume('fa-a', 'logs', 512, Buffer.from('LATER!!!'));

  const pending = await a.call<List<Transfer>>('GET', 'protection-group-snapshots/transfer', { query: { names: 'pg-e2e.dr1' } });
  assert.equal(pending.body.items.length, 1);
  assert.equal(pending.body.items[0]?.completed, null);
  // The copy exists on the target at once, but cannot be copied from until it has arrived.
  const early = await b.call('POST', 'volumes', { query: { names: 'restored-db' }, body: { source: { name: 'fa-a:pg-e2e.dr1.db' } } });
  assert.equal(early.status, 400, early.text);

  clock.advance(60 * 1000);
  model.tick();
  const done = await a.call<List<Transfer>>('GET', 'protection-group-snapshots/transfer', { query: { source_names: 'pg-e2e' } });
  const t = done.body.items[0]!;
  assert.equal(t.name, 'pg-e2e.dr1');
  assert.equal(t.progress, 1);
  assert.ok(t.started !== null && t.completed !== null && t.completed > t.started, JSON.stringify(t));
  assert.ok((t.data_transferred ?? 0) >= MiB, JSON.stringify(t));
  assert.equal(t.physical_bytes_written, t.data_transferred);

  const onB = await b.call<List<PgSnap>>('GET', 'protection-group-snapshots', { query: { source_names: 'fa-a:pg-e2e' } });
  assert.deepEqual(names(onB.body), ['fa-a:pg-e2e.dr1']);
  assert.equal(onB.body.items[0]?.suffix, 'dr1');
  const bXfer = await b.call<List<Transfer>>('GET', 'protection-group-snapshots/transfer', { query: { names: 'fa-a:pg-e2e.dr1' } });
  assert.equal(bXfer.body.items[0]?.completed, t.completed);

  for (const v of ['db', 'logs']) {
    const copy = await b.call<List<{ name: string; provisioned: number; source: { name: string } }>>('POST', 'volumes', {
      query: { names: `restored-${v}` },
      body: { source: { name: `fa-a:pg-e2e.dr1.${v}` } },
    });
    assert.equal(copy.status, 200, copy.text);
    assert.equal(copy.body.items[0]?.provisioned, 4 * MiB);
  }
  assert.deepEqual(model.readVolume('fa-b', 'restored-db', 0, 4 * MiB), model.readSnapshot('fa-a', 'pg-e2e.dr1.db', 0, 4 * MiB));
  assert.deepEqual(model.readVolume('fa-b', 'restored-db', 0, MiB), Buffer.alloc(MiB, 7));
  assert.equal(model.readVolume('fa-b', 'restored-logs', 512, 8).toString(), 'log line');
  assert.equal(model.readVolume('fa-a', 'logs', 512, 8).toString(), 'LATER!!!');
});
