// The crash test: an engine in its own process is killed (SIGKILL) in the middle of pg_create,
// after a step's work is done but before the engine recorded it; a second engine takes the
// operation over when the lease expires and completes it without creating anything twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { groupName, groupTypeName } from '../../src/engine/workflows/index.js';
import type { EngineProcessConfig } from '../helpers/engine-process.js';
import { SECRET_KEY, startTwoSites } from '../helpers/two-sites.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..', '..');
const t = await startTwoSites({ dbFile: true });
after(() => t.close());

const LEASE_MS = 1500;

test('pg_create survives kill -9 of its engine mid-operation: exactly one group type, group and array construct', { timeout: 60_000 }, async () => {
  const { pg, op } = await t.acceptPg({ name: 'crashy' });
  const cfg: EngineProcessConfig = {
    dbUrl: t.dbUrl, arrayFile: t.arrayFile, secretKey: SECRET_KEY, localArray: 'site-a-array', peerArray: 'site-b-array',
    operationId: op.id, owner: 'engine-doomed', leaseMs: LEASE_MS, arrayCa: t.arrayCa,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(pkg, 'test/helpers/engine-process.ts')], {
    cwd: pkg,
    env: { ...process.env, PROTECTOR_TEST_ENGINE: JSON.stringify(cfg), PROTECTOR_TEST_STEP_DELAY_MS: '2000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  // Kill once create_local_group has created the group but before the engine records the step.
  const events: string[] = [];
  const killed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 30_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      let e: { event?: string; step?: string };
      try {
        e = JSON.parse(line) as { event?: string; step?: string };
      } catch {
        return;
      }
      events.push(`${e.event}:${e.step ?? ''}`);
      if (e.event === 'step_work_done' && e.step === 'create_local_group') {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve(true);
      }
    });
    void exited.then(() => resolve(false));
  });
  const how = await exited;
  assert.ok(killed, `the engine process was killed mid-operation (events: ${events.join(', ')}; stderr: ${stderr})`);
  assert.equal(how.signal, 'SIGKILL');

  const steps = await t.ops.steps(op.id);
  assert.deepEqual(steps.map((s) => [s.name, s.status]), [['check_sites', 'completed'], ['create_local_group_type', 'completed'], ['create_local_group', 'running']], 'stopped mid-operation');
  assert.equal((await t.ops.get(op.id))?.status, 'running');
  assert.equal(t.a.cinder.listGroups().filter((g) => g.name === groupName(pg.id)).length, 1, 'the group was created before the kill');

  // A second engine takes over once the dead engine's lease expires.
  const rescuer = t.engine('engine-rescuer', { leaseMs: 5000 });
  const deadline = Date.now() + 20_000;
  let status = (await t.ops.get(op.id))?.status;
  while (status === 'running' && Date.now() < deadline) {
    await rescuer.tryRun(op.id);
    status = (await t.ops.get(op.id))?.status;
    if (status === 'running') await new Promise((r) => setTimeout(r, 200));
  }
  const done = await t.ops.get(op.id);
  assert.equal(done?.status, 'completed', done?.error ?? '');
  assert.equal(done?.lease_owner ?? null, null);
  const after = await t.ops.steps(op.id);
  assert.equal(after.length, 7);
  assert.ok(after.every((s) => s.status === 'completed'), JSON.stringify(after.map((s) => [s.name, s.status])));

  for (const site of [t.a, t.b]) {
    assert.equal(site.cinder.groupTypes.list().filter((g) => g.name === groupTypeName(pg.id)).length, 1, `one group type on ${site.options.name}`);
    assert.equal(site.cinder.listGroups().filter((g) => g.name === groupName(pg.id)).length, 1, `one group on ${site.options.name}`);
  }
  const final = await t.pgs.get(pg.id);
  assert.equal(final?.status, 'active');
  const constructs = t.a.arrays.listProtectionGroups('site-a-array').filter((g) => g.name === final?.resources.array?.name);
  assert.equal(constructs.length, 1, 'one array construct');
  assert.equal(final?.resources.sites[t.siteA.id]?.group_id, t.a.cinder.listGroups().find((g) => g.name === groupName(pg.id))?.id);
});
