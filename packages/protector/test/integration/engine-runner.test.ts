// The engine: steps in order with timings, failure reporting, one operation per PG, leases and
// takeover after a crash, graceful stop. SQLite file shared by two engines, as two processes would.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { DbBus, OPERATIONS_TOPIC } from '../../src/bus/index.js';
import { openDatabase, syncDatabase } from '../../src/db/index.js';
import { Engine, OperationInProgress, Operations, ResumeRefused, StepError, type Step, type Workflow } from '../../src/engine/index.js';
import { StorageError } from '../../src/storage/index.js';
import { eventually } from '../helpers/bus.js';
import { testDatabaseUrl } from '../helpers/test-db.js';

const url = await testDatabaseUrl();
const db = openDatabase(url);
await syncDatabase(db);
after(() => db.destroy());

let clock = Date.now();
const now = () => clock;
const ops = new Operations(db, now);

async function pg(): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('protection_groups')
    .values({
      id, project_id: 'p1', name: `pg-${id}`, description: '', replication_type: 'async', status: 'active', primary_site_id: 'a',
      secondary_site_id: 'b', current_primary_site_id: 'a', metadata_version: 1, sync_state: 'in_sync', active_operation_id: null,
      resources: '{}', created_at: clock, updated_at: clock,
    })
    .execute();
  return id;
}

const newOp = (type: string, pgId: string | null, params: Record<string, unknown> = {}) =>
  ops.create({ id: randomUUID(), project_id: 'p1', pg_id: pgId, type, params, request_id: 'req-1', user_id: 'u1' });

/** A workflow of named steps, counting runs; `fail` makes that step throw, `hold` makes it wait for release(). */
function counting(type: string, names: string[], opts: { fail?: string; hold?: string } = {}) {
  const runs = new Map<string, number>();
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  let holding = false;
  const steps: Step[] = names.map((name) => ({
    name,
    run: async (ctx) => {
      runs.set(name, (runs.get(name) ?? 0) + 1);
      if (name === opts.fail) throw new StepError(`${name} could not finish`, { why: 'on purpose' });
      if (name === opts.hold) {
        holding = true;
        await Promise.race([held, new Promise((_, rej) => ctx.signal.addEventListener('abort', () => rej(ctx.signal.reason as Error)))]);
      }
      clock += 10;
      return { seen: [...ctx.completed.keys()] };
    },
  }));
  const workflow: Workflow = { type, steps: () => steps };
  return { workflow, runs, release: () => release(), isHolding: () => holding };
}

// Each engine gets its own connections, as a separate process would; all closed when the file ends.
const connections: ReturnType<typeof openDatabase>[] = [];
after(async () => {
  for (const c of connections) await c.destroy();
});
const connect = () => {
  const c = openDatabase(url);
  connections.push(c);
  return c;
};

function engine(owner: string, workflows: Workflow[], leaseMs = 60_000, capacity = { dr: 2, lifecycle: 2 }): Engine {
  const bus = new DbBus(connect(), { owner, pollMs: 10, now });
  return new Engine(new Operations(connect(), now), bus, workflows, { owner, capacity, leaseMs, heartbeatMs: 20, scanMs: 20, now });
}

test('steps run in order, each recorded with start, end and duration; the PG is freed at the end', async () => {
  const w = counting('t-order', ['one', 'two', 'three']);
  const e = engine('engine-a', [w.workflow]);
  const pgId = await pg();
  const op = await newOp('t-order', pgId);
  await assert.rejects(newOp('t-order', pgId), OperationInProgress, 'one operation per PG');
  await e.start();
  await new DbBus(db, { owner: 'api', pollMs: 10 }).publish(OPERATIONS_TOPIC, { operation_id: op.id });
  await eventually(() => w.runs.get('three') === 1, 'the last step');
  let done = await ops.get(op.id);
  for (let i = 0; i < 100 && done?.status !== 'completed'; i++) {
    await new Promise((r) => setTimeout(r, 20));
    done = await ops.get(op.id);
  }
  assert.equal(done?.status, 'completed');
  assert.equal(done?.progress, 100);
  assert.deepEqual((done?.result.three as { seen: string[] }).seen, ['one', 'two']);
  const steps = await ops.steps(op.id);
  assert.deepEqual(steps.map((s) => [s.seq, s.name, s.status]), [[0, 'one', 'completed'], [1, 'two', 'completed'], [2, 'three', 'completed']]);
  for (const s of steps) assert.equal(s.duration_ms, 10, `${s.name} timed`);
  assert.equal((await db.selectFrom('protection_groups').select('active_operation_id').where('id', '=', pgId).executeTakeFirst())?.active_operation_id, null);
  await newOp('t-order', pgId); // free again
  await e.stop();
});

test('a failing step ends the operation failed, naming the step; later steps do not run', async () => {
  const w = counting('t-fail', ['prepare', 'break', 'never'], { fail: 'break' });
  const e = engine('engine-a', [w.workflow]);
  const op = await newOp('t-fail', await pg());
  await e.tryRun(op.id);
  const done = await ops.get(op.id);
  assert.equal(done?.status, 'failed');
  assert.equal(done?.error, 'break: break could not finish');
  const steps = await ops.steps(op.id);
  assert.deepEqual(steps.map((s) => [s.name, s.status]), [['prepare', 'completed'], ['break', 'failed']]);
  assert.deepEqual(steps[1]?.detail, { why: 'on purpose' });
  assert.equal(w.runs.get('never'), undefined);
  await e.stop();
});

test('an engine that dies mid-step loses its lease; another takes over and resumes at that step', async () => {
  const w = counting('t-crash', ['first', 'second', 'third'], { hold: 'second' });
  const dying = engine('engine-dies', [w.workflow], 1000);
  const op = await newOp('t-crash', await pg());
  const dyingRun = dying.tryRun(op.id);
  await eventually(() => w.isHolding(), 'the held step');
  const firstPickup = (await ops.get(op.id))?.started_at;
  assert.equal(typeof firstPickup, 'number');
  // The process "dies": its heartbeat stops and it never gives the lease up (the abort makes it
  // release, so the lease is put back as a killed process leaves it), and time passes beyond the lease.
  (dying as unknown as { running: Map<string, { abort: AbortController }> }).running.get(op.id)?.abort.abort(new Error('killed'));
  await dyingRun;
  await db.updateTable('operations').set({ lease_owner: 'engine-dies', lease_expires_at: clock + 1000 }).where('id', '=', op.id).execute();
  clock += 5000;
  const w2 = counting('t-crash', ['first', 'second', 'third']);
  const taker = engine('engine-b', [w2.workflow]);
  await taker.tryRun(op.id);
  const done = await ops.get(op.id);
  assert.equal(done?.status, 'completed', done?.error ?? '');
  assert.equal(done?.started_at, firstPickup, 'a takeover keeps the first pickup (the end of the queue time)');
  assert.equal(w2.runs.get('first'), undefined, 'a completed step is not run again');
  assert.equal(w2.runs.get('second'), 1, 'the interrupted step runs again');
  assert.equal(w2.runs.get('third'), 1);
  await taker.stop();
  await dying.stop();
});

test('two engines racing for the same operations run each exactly once', async () => {
  const wa = counting('t-race', ['only']);
  const wb = counting('t-race', ['only']);
  const a = engine('engine-a', [wa.workflow]);
  const b = engine('engine-b', [wb.workflow]);
  const created = await Promise.all(Array.from({ length: 8 }, () => newOp('t-race', null)));
  await Promise.all([a.start(), b.start()]);
  for (const op of created) {
    for (let i = 0; i < 200 && (await ops.get(op.id))?.status !== 'completed'; i++) await new Promise((r) => setTimeout(r, 10));
  }
  const statuses = await Promise.all(created.map(async (op) => (await ops.get(op.id))?.status));
  assert.deepEqual(statuses, created.map(() => 'completed'));
  assert.equal((wa.runs.get('only') ?? 0) + (wb.runs.get('only') ?? 0), 8);
  await a.stop();
  await b.stop();
});

test('a graceful stop gives the lease up at once, so another engine resumes without waiting for it to expire', async () => {
  const w = counting('t-stop', ['a', 'b'], { hold: 'b' });
  const e = engine('engine-a', [w.workflow], 3_600_000);
  const op = await newOp('t-stop', await pg());
  void e.tryRun(op.id);
  await eventually(() => w.isHolding(), 'the held step');
  await e.stop(1000);
  const mid = await ops.get(op.id);
  assert.equal(mid?.status, 'running');
  assert.equal(mid?.lease_owner, null);
  assert.ok((await ops.claimable({ dr: 100, lifecycle: 100, plan: 0 })).some((c) => c.id === op.id), "a released operation is found by any engine's scan");
  const w2 = counting('t-stop', ['a', 'b']);
  const e2 = engine('engine-b', [w2.workflow]);
  await e2.tryRun(op.id);
  assert.equal((await ops.get(op.id))?.status, 'completed');
  assert.equal(w2.runs.get('a'), undefined);
  await e2.stop();
});

test('an operation type no workflow knows fails with a clear message', async () => {
  const e = engine('engine-a', []);
  const op = await newOp('t-unknown', null);
  await e.tryRun(op.id);
  assert.equal((await ops.get(op.id))?.error, "this engine has no workflow for operation type 't-unknown'");
  await e.stop();
});

test('a bus message and a scan waking the same engine for one operation run it once', async () => {
  const w = counting('t-twice', ['only']);
  const e = engine('engine-a', [w.workflow]);
  const op = await newOp('t-twice', null);
  await Promise.all([e.tryRun(op.id), e.tryRun(op.id), e.tryRun(op.id)]);
  assert.equal((await ops.get(op.id))?.status, 'completed');
  assert.equal(w.runs.get('only'), 1);
  await e.stop();
});

test('a rollback stopped by an unreachable site ends failed, frees the PG and says so; resume goes on rolling back from that step, exactly once per step', async () => {
  let siteDown = true;
  const runs = new Map<string, number>();
  const step = (name: string, run: () => void = () => {}): Step => ({
    name,
    run: async () => {
      runs.set(name, (runs.get(name) ?? 0) + 1);
      run();
      return {};
    },
  });
  const workflow: Workflow = {
    type: 't-rollback',
    steps: () => [step('change'), step('break', () => { throw new StepError('the target refused'); })],
    rollback: () => [
      step('undo_target'),
      step('undo_source', () => {
        if (siteDown) throw new StorageError('unreachable', "array 'site-a-array' is unreachable");
      }),
    ],
  };
  const e = engine('engine-a', [workflow]);
  const pgId = await pg();
  const op = await newOp('t-rollback', pgId);
  await e.tryRun(op.id);
  const failed = (await ops.get(op.id))!;
  assert.equal(failed.status, 'failed');
  assert.match(failed.error ?? '', new RegExp(`^break: the target refused; the rollback was interrupted at undo_source: array 'site-a-array' is unreachable; it resumes by itself once the site answers again, or run \`protector operation resume ${op.id}\`$`));
  assert.deepEqual(failed.result.rollback_failed, { step: 'undo_source', error: "array 'site-a-array' is unreachable", unreachable: true });
  assert.equal((await ops.latestOn(pgId))?.id, op.id);
  assert.equal((await db.selectFrom('protection_groups').select('active_operation_id').where('id', '=', pgId).executeTakeFirst())?.active_operation_id, null, 'the PG is free (an unplanned failover may take it)');

  siteDown = false;
  const resumed = await ops.resume(op.id, 'u1');
  assert.equal(resumed.status, 'rolling_back');
  assert.equal(resumed.error, null);
  assert.equal(resumed.result.rollback_failed, undefined);
  assert.deepEqual((resumed.result.resumed as { by: string; phase: string; step: string }[]).map((r) => [r.by, r.phase, r.step]), [['u1', 'rollback', 'undo_source']]);
  await assert.rejects(ops.resume(op.id, 'u1'), ResumeRefused, 'only a failed operation can be resumed');
  await assert.rejects(newOp('t-rollback', pgId), OperationInProgress, 'the resumed operation holds the PG again');
  await e.tryRun(op.id);
  const done = (await ops.get(op.id))!;
  assert.equal(done.status, 'rolled_back');
  assert.equal(done.error, 'break: the target refused (rolled back)');
  assert.deepEqual(Object.fromEntries(runs), { change: 1, break: 1, undo_target: 1, undo_source: 2 });
  await e.stop();
});

test('a failed operation cannot be resumed once a later one ran on its PG; the newest resumes at its failed step', async () => {
  const w = counting('t-superseded', ['one'], { fail: 'one' });
  const e = engine('engine-a', [w.workflow]);
  const pgId = await pg();
  const first = await newOp('t-superseded', pgId);
  await e.tryRun(first.id);
  assert.equal((await ops.get(first.id))?.status, 'failed');
  clock += 10;
  const later = await newOp('t-superseded', pgId);
  await e.tryRun(later.id);
  await assert.rejects(ops.resume(first.id, 'u1'), (err: Error) => err instanceof ResumeRefused && new RegExp(`superseded by t-superseded operation ${later.id} \\(failed\\)`).test(err.message));
  // The newest one can: a forward failure resumes at its failed step.
  const again = await ops.resume(later.id, 'u1');
  assert.equal(again.status, 'running');
  assert.equal(again.lease_owner, null);
  assert.ok((await ops.claimable({ dr: 100, lifecycle: 100, plan: 0 })).some((c) => c.id === later.id));
  await e.tryRun(later.id);
  assert.equal(w.runs.get('one'), 3, 'the failed step ran again');
  await e.stop();
});

test("progress that lands after its step has finished (sent without waiting) leaves the step's outcome as recorded", async () => {
  const op = await newOp('replicate', null);
  await ops.stepStarted(op.id, 0, 'boot_servers');
  await ops.stepProgress(op.id, 0, { booted: 0 });
  assert.deepEqual((await ops.steps(op.id))[0]?.detail, { booted: 0 }, 'a running step shows its progress');
  await ops.stepFinished(op.id, 0, { status: 'completed', detail: { booted: [{ server: 'web-1' }] } });
  await ops.stepProgress(op.id, 0, { booted: 1 });
  assert.deepEqual((await ops.steps(op.id))[0]?.detail, { booted: [{ server: 'web-1' }] });
});
