// `protector … --wait` on two real sites (cloudsim, each site's protector-api and engine, in
// process): a drill followed across a restart of the protector-api running it ends exit 0 with
// both sites holding its document; a recovery point asked for while the peer site is down
// shows its progress and ends, within the engine's dead-link grace, with an error naming the
// operation and what to run next.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { protectedPg } from '../../../protector/test/helpers/dr.js';
import { startCliLab } from '../helpers/cli-lab.js';

const lab = await startCliLab();
let restarting: Promise<void> = Promise.resolve();
// A restart still under way (a failed test returns early) ends before the lab closes, or its API would keep the process alive.
after(async () => {
  await restarting;
  await lab.close();
});
const { t } = lab;
// Made before the engines scan: protectedPg runs its operations with engines of its own.
const drill = await protectedPg(t, { name: 'follow-drill', servers: { 'fd-web': 0, 'fd-db': 1 } });
await protectedPg(t, { name: 'rp-peer-down', servers: { 'rp-web': 0 } });

let restarts = 0;
let armed = false;
lab.startEngines({
  // Mid-drill, site-b's protector-api goes away for 3 s and comes back on its port (a restart).
  hold: {
    type: 'test_failover',
    step: 'restore_volumes',
    run: async () => {
      if (!armed) return;
      armed = false;
      restarting = (async () => {
        await lab.api.b.stop();
        await sleep(3000);
        await lab.api.b.start();
        restarts++;
      })();
      await restarting;
    },
  },
  workflowOptions: { deadLinkGraceMs: 3000 },
});

const syncRows = async (pg: string) => JSON.parse((await lab.protector(['protection-group', 'sync-status', pg, '-f', 'json'])).stdout) as { Site: string; 'Metadata version': number; 'Sync state': string }[];

test('test-failover --wait across a restart of the protector-api running it: exit 0, the site said gone and back once, the PG in sync on both sites', { timeout: 120_000 }, async () => {
  armed = true;
  const r = await lab.protector(['test-failover', 'follow-drill', '--wait', '-f', 'json']);
  assert.equal(restarts, 1, 'the API was restarted during the drill');
  assert.equal(r.code, 0, r.stderr);
  const done = JSON.parse(r.stdout) as { status: string; site: string; operation: string };
  assert.deepEqual([done.status, done.site], ['completed', 'site-b-demo']);
  const lines = r.stderr.trimEnd().split('\n');
  const gone = lines.findIndex((l) => /^test_failover [0-9a-f]{8}: site-b-demo stopped answering \(connection (refused|reset)\); still following it for up to 300 s$/.test(l));
  const back = lines.findIndex((l) => /^test_failover [0-9a-f]{8}: site-b-demo answers again after \d+\.\d s$/.test(l));
  assert.ok(gone >= 0 && back > gone, r.stderr);
  assert.equal(lines.filter((l) => /stopped answering|answers again/.test(l)).length, 2, r.stderr);
  assert.match(lines.slice(back).join('\n'), /step 8 report completed/, 'the steps after the restart were followed');
  // The document the drill left on site-b was pushed to site-a and acknowledged.
  const [a, b] = [await t.atA.pgs.get(drill.pg.id), await t.atB.pgs.get(drill.pg.id)];
  assert.equal(b?.status, 'test_failed_over');
  assert.deepEqual([a?.metadata_version, a?.status, a?.sync_state, b?.sync_state], [b?.metadata_version, 'test_failed_over', 'in_sync', 'in_sync']);
  assert.deepEqual((await syncRows('follow-drill')).map((x) => [x.Site, x['Metadata version'], x['Sync state']]), [
    ['site-a-demo', b?.metadata_version, 'IN SYNC'],
    ['site-b-demo', b?.metadata_version, 'IN SYNC'],
  ]);
  const cleanup = await lab.protector(['test-cleanup', 'follow-drill', '--wait', '-f', 'value', '-c', 'status']);
  assert.deepEqual([cleanup.code, cleanup.stdout], [0, 'completed\n'], cleanup.stderr);
});

test('recovery-point create --wait with the peer site down: warned, progress shown, exit 3 within the dead-link grace naming the operation and what to run', { timeout: 120_000 }, async () => {
  await lab.api.b.stop();
  t.a.arrays.setArrayDown('site-b-array', true);
  try {
    const started = Date.now();
    const r = await lab.protector(['recovery-point', 'create', 'rp-peer-down', '--wait']);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(r.code, 3, r.stderr);
    assert.ok(seconds < 20, `ended after ${seconds} s (grace 3 s)`);
    const id = /\| operation +\| ([0-9a-f-]{36}) /.exec(r.stdout)?.[1];
    assert.ok(id, r.stdout);
    assert.match(r.stdout, /\| status +\| failed /);
    assert.match(r.stdout, /cannot complete: array site-b-array unreachable for \d+ s \(grace 3 s; progress 0%\)/);
    const lines = r.stderr.trimEnd().split('\n');
    assert.match(lines[0]!, /^site-b-demo does not answer \(.*connection refused.*\): if its array is down too, the transfer cannot complete and the engine fails the operation once the link has been down for its \[engine\] dead_link_grace \(30 s by default\)$/);
    assert.ok(lines.some((l) => /^replicate [0-9a-f]{8}: step 2 wait_for_transfer running$/.test(l)), r.stderr);
    assert.ok(lines.some((l) => /^replicate [0-9a-f]{8}: step 2 wait_for_transfer failed \d+\.\d s: /.test(l)), r.stderr);
    assert.equal(
      lines.at(-1),
      `protector: operation ${id} (replicate) ended failed on site-a-demo; 'protector --os-cloud site-a-demo operation show ${id} --steps' lists what each step did; run 'protector recovery-point create rp-peer-down --wait' again once site-b-demo and its array answer`,
    );
  } finally {
    t.a.arrays.setArrayDown('site-b-array', false);
    await lab.api.b.start();
  }
});
