// `protector <action> PG PG …`: one bulk action (a parent operation with a child per PG) on the
// site that runs them, on two real sites (cloudsim, each site's protector-api and engine, in
// process): a drill of three PGs and its cleanup, a planned failover of two and their failback,
// each PG's document stored on both sites; a dry run reports per PG; a PG that cannot be run
// refuses them all before anything is posted.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { protectedPg } from '../../../protector/test/helpers/dr.js';
import { startCliLab } from '../helpers/cli-lab.js';

const lab = await startCliLab();
after(() => lab.close());
const { t } = lab;
const NAMES = ['bulk-a', 'bulk-b', 'bulk-c'];
// Made before the engines scan: protectedPg runs its operations with engines of its own.
for (const [i, name] of NAMES.entries()) await protectedPg(t, { name, servers: { [`bk-${i}`]: 0 } });
lab.startEngines();

type Row = { 'Protection group': string; Operation: string; Status: string; Site: string; 'Queued (s)': number; 'RTO (s)': number; Error: string | null };
const json = <T>(s: string): T => JSON.parse(s) as T;

async function inSyncOnBoth(name: string): Promise<void> {
  const rows = json<{ Site: string; 'Metadata version': number; 'Sync state': string }[]>((await lab.protector(['protection-group', 'sync-status', name, '-f', 'json'])).stdout);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map((r) => r['Sync state']), ['IN SYNC', 'IN SYNC'], JSON.stringify(rows));
  assert.equal(rows[0]!['Metadata version'], rows[1]!['Metadata version']);
}

test('a PG that cannot be run refuses the bulk action before anything is posted', async () => {
  const r = await lab.protector(['test-failover', 'bulk-a', 'no-such-pg']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /no-such-pg/);
  const ops = json<{ Type: string }[]>((await lab.protector(['operation', 'list', '-f', 'json'], { from: 'b' })).stdout);
  assert.ok(!ops.some((o) => o.Type === 'bulk' || o.Type === 'test_failover'), 'nothing was recorded on the running site');
  const twice = await lab.protector(['test-failover', 'bulk-a', 'bulk-a']);
  assert.equal(twice.code, 1);
  assert.match(twice.stderr, /named twice/);
});

test('test-failover of three PGs: a dry run per PG, then one parent on site-b with a child per PG, followed to the end; test-cleanup likewise', { timeout: 180_000 }, async () => {
  const dry = await lab.protector(['test-failover', ...NAMES, '--dry-run', '-f', 'json']);
  assert.equal(dry.code, 0, dry.stderr + dry.stdout);
  const drill = await lab.protector(['test-failover', ...NAMES, '--wait', '-f', 'json']);
  assert.equal(drill.code, 0, drill.stderr);
  const rows = json<Row[]>(drill.stdout);
  assert.deepEqual(rows.map((r) => [r['Protection group'], r.Status, r.Site]), NAMES.map((n) => [n, 'completed', 'site-b-demo']));
  assert.ok(rows.every((r) => typeof r['RTO (s)'] === 'number' && r['RTO (s)'] >= r['Queued (s)']));
  // The progress named each PG as its child operation moved.
  for (const n of NAMES) assert.match(drill.stderr, new RegExp(`bulk [0-9a-f]{8}: ${n} test_failover completed`), drill.stderr);

  const ops = json<{ ID: string; Type: string; Status: string; Parent: string | null }[]>((await lab.protector(['operation', 'list', '--type', 'bulk', '-f', 'json'], { from: 'b' })).stdout);
  assert.equal(ops.length, 1);
  assert.equal(ops[0]!.Status, 'completed');
  const children = json<{ Parent: string; Type: string }[]>((await lab.protector(['operation', 'list', '--parent', ops[0]!.ID, '-f', 'json'], { from: 'b' })).stdout);
  assert.deepEqual(children.map((c) => [c.Type, c.Parent]), NAMES.map(() => ['test_failover', ops[0]!.ID]));
  const show = json<{ children: string[] }>((await lab.protector(['operation', 'show', ops[0]!.ID, '-f', 'json'], { from: 'b' })).stdout);
  assert.equal(show.children.length, 3);
  for (const n of NAMES) await inSyncOnBoth(n);

  const cleanup = await lab.protector(['test-cleanup', ...NAMES, '--wait', '-f', 'json']);
  assert.equal(cleanup.code, 0, cleanup.stderr);
  assert.deepEqual(json<Row[]>(cleanup.stdout).map((r) => r.Status), ['completed', 'completed', 'completed']);
  for (const n of NAMES) await inSyncOnBoth(n);
});

test('planned failover of two PGs, then their failback, each as one bulk action; without --wait the children are listed', { timeout: 240_000 }, async () => {
  const two = NAMES.slice(0, 2);
  const fo = await lab.protector(['failover', ...two, '--wait', '-f', 'json']);
  assert.equal(fo.code, 0, fo.stderr);
  assert.deepEqual(json<Row[]>(fo.stdout).map((r) => [r['Protection group'], r.Status, r.Site]), two.map((n) => [n, 'completed', 'site-b-demo']));
  for (const n of two) {
    const pg = json<{ status: string }>((await lab.protector(['protection-group', 'show', n, '-f', 'json'])).stdout);
    assert.equal(pg.status, 'failed_over');
    await inSyncOnBoth(n);
  }
  // Failback runs on site-a; posted without --wait, the children are listed pending.
  const fb = await lab.protector(['failback', ...two, '-f', 'json']);
  assert.equal(fb.code, 0, fb.stderr);
  const listed = json<{ 'Protection group': string; Operation: string; Type: string; Status: string; Site: string; Parent: string }[]>(fb.stdout);
  assert.deepEqual(listed.map((r) => [r['Protection group'], r.Type, r.Site]), two.map((n) => [n, 'failback', 'site-a-demo']));
  const parent = listed[0]!.Parent;
  const done = await lab.protector(['operation', 'show', parent, '-f', 'json']);
  assert.equal(done.code, 0);
  // Followed by id: the parent ends once both children have.
  const waited = await waitFor(async () => json<{ status: string }>((await lab.protector(['operation', 'show', parent, '-f', 'json'])).stdout).status, (s) => s === 'completed' || s === 'failed' || s === 'partial');
  assert.equal(waited, 'completed');
  for (const n of two) {
    const pg = json<{ status: string }>((await lab.protector(['protection-group', 'show', n, '-f', 'json'])).stdout);
    assert.equal(pg.status, 'active');
  }
});

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 180_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
}
