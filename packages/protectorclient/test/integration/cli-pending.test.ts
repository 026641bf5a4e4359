// An action started without --wait changes the PG's document on the site running it after the
// CLI has gone. On two real sites (cloudsim, each site's protector-api and engine, in process):
// sync-status says what is pending while it runs and once it has finished, and the next command
// touching the PG (an action, show, list) stores that document on the other site first, so the
// next action is not refused. Every command's -f json output ends with a newline.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { protectedPg } from '../../../protector/test/helpers/dr.js';
import { startCliLab } from '../helpers/cli-lab.js';

const lab = await startCliLab();
let release: () => void = () => {};
after(async () => {
  release();
  await lab.close();
});
const { t } = lab;
const { pg } = await protectedPg(t, { name: 'pending-drill', servers: { 'pd-web': 0 } });

// The drill's report step (which bumps site-b's version) is held open while a test looks.
let gate: Promise<void> | null = null;
let held = false;
lab.startEngines({
  hold: {
    type: 'test_failover',
    step: 'report',
    run: async () => {
      held = true;
      await gate;
    },
  },
});

const versions = async () => [(await t.atA.pgs.get(pg.id))!, (await t.atB.pgs.get(pg.id))!] as const;
async function until(what: string, ok: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await ok()) return;
    await sleep(100);
  }
  assert.fail(`timed out waiting until ${what}`);
}
const finished = (id: string) => async () => ['completed', 'failed', 'partial'].includes((await t.atB.ops.get(id))?.status ?? '');
const started = async (args: string[]): Promise<string> => {
  const r = await lab.protector([...args, '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { id: string }).id;
};

test('sync-status while the drill runs and after it: what is pending where; the next action stores the drill\'s document first and is not refused', { timeout: 120_000 }, async () => {
  const [a0] = await versions();
  gate = new Promise((r) => (release = r));
  const op = await started(['test-failover', 'pending-drill']);
  await until('the drill has bumped site-b and is held', () => held);
  const running = await lab.protector(['protection-group', 'sync-status', 'pending-drill']);
  assert.equal(running.code, 0, running.stderr);
  const v = a0.metadata_version;
  assert.equal(
    running.stdout.trimEnd().split('\n').at(-1),
    `site-b-demo holds version ${v + 1}, site-a-demo ${v}: operation ${op} (test_failover, running) is running on site-b-demo; it is stored on site-a-demo once that operation has finished, by the next command or 'protector protection-group sync pending-drill'`,
  );
  assert.match(running.stdout, new RegExp(`\\| site-b-demo \\| ${v + 1} +\\| OUT OF SYNC \\| test_failed_over \\| ${op} \\|`));
  release();
  await until('the drill has finished', finished(op));

  const done = await lab.protector(['protection-group', 'sync-status', 'pending-drill']);
  const pending = `site-b-demo holds version ${v + 1}, site-a-demo ${v}: the document of operation ${op} (test_failover, completed) is not stored on site-a-demo yet; it will be pushed by the next command, or run 'protector protection-group sync pending-drill'`;
  assert.equal(done.stdout.trimEnd().split('\n').at(-1), pending);
  // Machine formats keep stdout parseable: the sentence goes to stderr.
  const json = await lab.protector(['protection-group', 'sync-status', 'pending-drill', '-f', 'json']);
  assert.deepEqual([json.stderr, (JSON.parse(json.stdout) as unknown[]).length], [`${pending}\n`, 2]);
  assert.deepEqual((await versions()).map((p) => [p.metadata_version, p.sync_state]), [[v, 'in_sync'], [v + 1, 'out_of_sync']], 'nothing was pushed by sync-status');

  // The next action: site-b's copy is stored on site-a first, so it is not refused as out_of_sync.
  const cleanup = await lab.protector(['test-cleanup', 'pending-drill', '--wait', '-f', 'value', '-c', 'status']);
  assert.deepEqual([cleanup.code, cleanup.stdout], [0, 'completed\n'], cleanup.stderr);
  assert.match(cleanup.stderr, new RegExp(`^stored the document of operation ${op} \\(test_failover, completed\\), version ${v + 1}, from site-b-demo on site-a-demo$`, 'm'));
  const [a, b] = await versions();
  assert.deepEqual([a.metadata_version, a.sync_state, a.status, b.sync_state], [b.metadata_version, 'in_sync', 'active', 'in_sync']);
  const status = await lab.protector(['protection-group', 'sync-status', 'pending-drill', '-f', 'value', '-c', 'Sync state']);
  assert.deepEqual([status.stdout, status.stderr], ['IN SYNC\nIN SYNC\n', '']);
});

test('protection-group show and list store a finished operation\'s document on the other site, and say so', { timeout: 120_000 }, async () => {
  gate = null;
  for (const [action, next] of [['test-failover', ['protection-group', 'show', 'pending-drill', '-f', 'json']], ['test-cleanup', ['protection-group', 'list', '-f', 'json']]] as const) {
    const op = await started([action, 'pending-drill']);
    await until(`${action} has finished`, finished(op));
    const [a0, b0] = await versions();
    assert.equal(b0.metadata_version, a0.metadata_version + 1, `${action} bumped site-b only`);
    const r = await lab.protector([...next]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `stored the document of operation ${op} (${action.replace('-', '_')}, completed), version ${b0.metadata_version}, from site-b-demo on site-a-demo\n`);
    const shown = JSON.parse(r.stdout) as { status: string; metadata_version: number } | { Name: string; Status: string; 'Metadata version': number }[];
    const row = Array.isArray(shown) ? shown.find((x) => x.Name === 'pending-drill') : shown;
    // What was printed is site-a's copy after the push.
    assert.deepEqual(row && ('status' in row ? [row.status, row.metadata_version] : [row.Status, row['Metadata version']]), [b0.status, b0.metadata_version]);
    const [a, b] = await versions();
    assert.deepEqual([a.metadata_version, a.sync_state, b.sync_state], [b.metadata_version, 'in_sync', 'in_sync']);
  }
});

test('-f json output of every command ends with one newline and parses', { timeout: 120_000 }, async () => {
  const ops = JSON.parse((await lab.protector(['operation', 'list', '-f', 'json'], { from: 'b' })).stdout) as { ID: string }[];
  const opId = ops[0]!.ID;
  const commands = [
    ['protection-group', 'list'],
    ['protection-group', 'show', 'pending-drill'],
    ['protection-group', 'sync-status', 'pending-drill'],
    ['member', 'list', 'pending-drill'],
    ['policy', 'show', 'pending-drill'],
    ['mapping', 'show', 'pending-drill'],
    ['recovery-point', 'list', 'pending-drill'],
    ['operation', 'list'],
    ['health', 'show'],
    ['failover', 'pending-drill', '--dry-run'],
    ['test-failover', 'pending-drill', '--dry-run'],
    ['policy', 'create', 'pending-drill', '--rpo', '30'],
    ['mapping', 'set', 'pending-drill'],
    ['recovery-point', 'create', 'pending-drill'],
  ];
  for (const args of commands) {
    const r = await lab.protector([...args, '-f', 'json']);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stdout.endsWith('\n') && !r.stdout.endsWith('\n\n'), `${args.join(' ')}: ${JSON.stringify(r.stdout.slice(-8))}`);
    assert.doesNotThrow(() => JSON.parse(r.stdout), args.join(' '));
  }
  for (const args of [['operation', 'show', opId], ['operation', 'show', opId, '--steps']]) {
    const r = await lab.protector([...args, '-f', 'json'], { from: 'b' });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stdout.endsWith('\n') && !r.stdout.endsWith('\n\n'), args.join(' '));
    assert.doesNotThrow(() => JSON.parse(r.stdout), args.join(' '));
  }
});
