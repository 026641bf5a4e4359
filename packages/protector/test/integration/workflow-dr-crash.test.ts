// Crash-resume of planned failover and failback: for every step, an engine in its own process
// is killed (SIGKILL) right after that step's work and before the engine recorded it; the next
// engine resumes the same operation and runs that step again. After all of them the operation
// has completed, exactly one server, volume and port exists per member, and the data is there.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import type { ProtectionGroup } from '../../src/db/protection-groups.js';
import type { OperationRecord } from '../../src/engine/index.js';
import type { EngineProcessConfig } from '../helpers/engine-process.js';
import { expectStatus, guestRead, guestWrite, protectedPg } from '../helpers/dr.js';
import { SECRET_KEY, startTwoSites, type SiteProtector } from '../helpers/two-sites.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..', '..');
const t = await startTwoSites({ dbFile: true });
after(() => t.close());

const LEASE_MS = 800;

/** One engine process on `p`'s site that is killed right after `step`'s work (or runs to the end). */
async function engineRun(p: SiteProtector, local: 'a' | 'b', op: OperationRecord, step: string | null): Promise<{ killed: boolean; events: string[] }> {
  const cfg: EngineProcessConfig = {
    dbUrl: p.dbUrl, arrayFile: t.arrayFile, secretKey: SECRET_KEY,
    localArray: local === 'a' ? 'site-a-array' : 'site-b-array', peerArray: local === 'a' ? 'site-b-array' : 'site-a-array',
    operationId: op.id, owner: `engine-${step ?? 'last'}`, leaseMs: LEASE_MS, stepTimeoutMs: 20_000, arrayCa: t.arrayCa,
    ...(step ? { stepDelayMs: 60_000, onlyStep: step } : {}),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(pkg, 'test/helpers/engine-process.ts')], {
    cwd: pkg, env: { ...process.env, PROTECTOR_TEST_ENGINE: JSON.stringify(cfg) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const events: string[] = [];
  const killed = await new Promise<boolean>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const e = JSON.parse(line) as { event?: string; step?: string };
        events.push(`${e.event}:${e.step ?? ''}`);
        if (step && e.event === 'step_work_done' && e.step === step) {
          child.kill('SIGKILL');
          resolve(true);
        }
      } catch {
        // not a log line
      }
    });
    void exited.then(() => resolve(false));
  });
  await exited;
  if (step) assert.ok(killed, `killed after ${step} (events: ${events.join(', ')}; stderr: ${stderr})`);
  // The dead engine's lease must expire before the next one may take the operation.
  await new Promise((r) => setTimeout(r, LEASE_MS + 100));
  return { killed, events };
}

/** Kills an engine after each step in turn, then lets the last one finish. */
async function crashThroughEveryStep(p: SiteProtector, local: 'a' | 'b', op: OperationRecord, names: string[]): Promise<OperationRecord> {
  for (const step of names) await engineRun(p, local, op, step);
  await engineRun(p, local, op, null);
  return expectStatus(p, op, 'completed');
}

const STEPS_PLANNED = ['precheck', 'stop_source_servers', 'final_snapshot', 'wait_for_transfer', 'restore_volumes', 'manage_volumes', 'create_ports', 'boot_servers', 'reverse_replication', 'swap_roles', 'cleanup_source'];
const STEPS_FAILBACK = ['precheck', 'reverse_if_pending', 'remove_old_copies', 'resync', ...STEPS_PLANNED.slice(1)];

async function exactlyOneEach(site: typeof t.a, pg: ProtectionGroup, op: OperationRecord, names: string[]): Promise<void> {
  for (const n of names) assert.equal(site.nova.servers.list().filter((s) => s.name === n).length, 1, `one server ${n} on ${site.options.name}`);
  const vols = site.cinder.listVolumes().filter((v) => v.metadata.protector_operation_id === op.id);
  assert.equal(vols.length, names.length, `one volume per member on ${site.options.name}`);
  const short = op.id.replace(/[^A-Za-z0-9]/g, '').slice(0, 8);
  assert.equal(site.neutron.ports.list().filter((x) => x.name.startsWith(`protector-${short}-`)).length, names.length, `one port per member on ${site.options.name}`);
  assert.deepEqual(site.arrays.listVolumes(site.arrayName).filter((v) => v.name.startsWith(`pr-${short}-`)).map((v) => v.name), [], 'every restored copy was managed (renamed), none twice');
  void pg;
}

test('planned failover and failback each survive kill -9 after every step', { timeout: 600_000 }, async () => {
  const { pg, servers } = await protectedPg(t, { name: 'crash-dr', servers: { 'c-1': 0, 'c-2': 1 } });
  await guestWrite(t.a, servers[0]!.serverId, 0, 'before the crashing failover');

  const fo = await t.atB.newOp((await t.atB.pgs.get(pg.id))!, 'failover', { type: 'planned' });
  await crashThroughEveryStep(t.atB, 'b', fo, STEPS_PLANNED);
  await exactlyOneEach(t.b, pg, fo, ['c-1', 'c-2']);
  const c1 = (await t.atB.pgs.members(pg.id)).find((m) => m.name === 'c-1')!;
  assert.equal(await guestRead(t.b, c1.server_id, 0, 28), 'before the crashing failover');
  assert.equal((await t.atB.pgs.get(pg.id))?.status, 'failed_over');

  await t.push(pg.id, 'b');
  await guestWrite(t.b, c1.server_id, 2048, 'before the crashing failback');
  const fb = await t.atA.newOp((await t.atA.pgs.get(pg.id))!, 'failback', {});
  await crashThroughEveryStep(t.atA, 'a', fb, STEPS_FAILBACK);
  await exactlyOneEach(t.a, pg, fb, ['c-1', 'c-2']);
  const home = (await t.atA.pgs.members(pg.id)).find((m) => m.name === 'c-1')!;
  assert.equal(await guestRead(t.a, home.server_id, 2048, 28), 'before the crashing failback');
  assert.equal(await guestRead(t.a, home.server_id, 0, 28), 'before the crashing failover');
  const final = (await t.atA.pgs.get(pg.id))!;
  assert.equal(final.status, 'active');
  assert.equal(final.resources.array?.sourceArray, 'site-a-array');
  assert.equal(t.b.nova.servers.list().filter((s) => s.name.startsWith('c-')).length, 0, 'the DR copies were cleaned up');
});
