// The engine while its database goes away and comes back (a MariaDB restart, played on a SQLite
// file whose connection the test takes away): nothing crashes, no rejection goes unhandled, no
// step is failed, run twice when it finished or lost, the outage is logged once, and the scan
// keeps finding work. The system suite plays the same on a real MariaDB.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { DbBus } from '../../src/bus/index.js';
import { openDatabase, syncDatabase } from '../../src/db/index.js';
import { DurableOperations, Engine, LeaseLost, Operations, type Step, type Workflow } from '../../src/engine/index.js';
import { DependencyWatch } from '../../src/service/dependency-watch.js';
import { captureLog, outageDatabase } from '../helpers/db-outage.js';
import { testDatabaseUrl } from '../helpers/test-db.js';

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => void unhandled.push(e);
process.on('unhandledRejection', onUnhandled);

const url = await testDatabaseUrl();
// The test's own view of the database, never taken away; the engines get `outage.db`.
const db = openDatabase(url);
await syncDatabase(db);
const view = new Operations(db);
const outage = outageDatabase(url);
/** Every engine a test starts, stopped at the end even when an assertion failed first (a running engine keeps the process alive). */
const started: Engine[] = [];
after(async () => {
  await Promise.all(started.map((e) => e.stop(1000)));
  process.off('unhandledRejection', onUnhandled);
  await outage.db.destroy();
  await db.destroy();
});

const newOp = (type: string) => view.create({ id: randomUUID(), project_id: 'p1', pg_id: null, type, params: {}, request_id: 'req-1', user_id: 'u1' });

/** Steps that count their runs; `during(name, run)` lets a test act inside a step. */
function workflow(type: string, names: string[], during: Record<string, (run: number, signal: AbortSignal) => Promise<void>> = {}) {
  const runs = new Map<string, number>();
  const steps: Step[] = names.map((name) => ({
    name,
    run: async (ctx) => {
      const n = (runs.get(name) ?? 0) + 1;
      runs.set(name, n);
      await during[name]?.(n, ctx.signal);
      void ctx.progress({ step: name }); // advisory, and not awaited, as the workflows do
      return { run: n };
    },
  }));
  return { workflow: { type, steps: () => steps } as Workflow, runs };
}

function engine(owner: string, workflows: Workflow[], leaseMs = 10_000) {
  const log = captureLog();
  const events: { event: string; fields: Record<string, unknown> }[] = [];
  const watch = new DependencyWatch('database', log);
  const ops = new DurableOperations(outage.db, { owner, leaseMs, watch, retry: { maxRetries: -1, initialMs: 10, maxMs: 40 } });
  const e = new Engine(ops, new DbBus(outage.db, { owner, pollMs: 20, watch }), workflows, {
    owner, capacity: { dr: 2, lifecycle: 2 }, leaseMs, heartbeatMs: 30, scanMs: 20,
    log: (event, fields) => void events.push({ event, fields }),
  });
  started.push(e);
  return { e, ops, log, events };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** What the outage logged: one warning when it began, one line when it ended. */
const outageLines = (log: ReturnType<typeof captureLog>) => log.lines.filter((l) => l.obj.dependency === 'database').map((l) => [l.level, l.msg.replace(/(:| after ).*$/, '')]);
const ONE_OUTAGE = [['warn', 'database unreachable'], ['info', 'database reachable again']];

async function finished(id: string) {
  for (let i = 0; i < 500; i++) {
    const op = await view.get(id);
    if (op && ['completed', 'failed', 'rolled_back'].includes(op.status)) return op;
    await sleep(20);
  }
  assert.fail(`operation ${id} did not finish`);
}

test('a step whose work finishes while the database is away is recorded once it is back; nothing runs twice', async () => {
  const w = workflow('t-away', ['one', 'two', 'three'], {
    two: async () => {
      outage.down();
      setTimeout(() => outage.up(), 400);
      await sleep(100); // the work ends with the database still away: stepFinished must wait for it
    },
  });
  const { e, log, events } = engine('engine-a', [w.workflow]);
  const op = await newOp('t-away');
  await e.start();
  const done = await finished(op.id);
  assert.equal(done.status, 'completed', done.error ?? '');
  assert.deepEqual([...w.runs.entries()], [['one', 1], ['two', 1], ['three', 1]], 'every step ran exactly once');
  assert.deepEqual((await view.steps(op.id)).map((s) => [s.name, s.status]), [['one', 'completed'], ['two', 'completed'], ['three', 'completed']]);
  assert.deepEqual(outageLines(log), ONE_OUTAGE, 'logged once, not per retry');
  assert.ok(!events.some((x) => x.event === 'step_failed' || x.event === 'operation_crashed' || x.event === 'scan_failed'), JSON.stringify(events.map((x) => x.event)));
  await e.stop(1000);
});

test('a step that needs the database while it is away is given back and resumed, not failed', async () => {
  const w = workflow('t-needs-db', ['one', 'two', 'three'], {
    two: async (run) => {
      if (run > 1) return;
      outage.down();
      setTimeout(() => outage.up(), 300);
      await outage.db.selectFrom('sites').select('id').execute(); // the step's own read, refused
    },
  });
  const { e, log, events } = engine('engine-a', [w.workflow]);
  const op = await newOp('t-needs-db');
  await e.start();
  const done = await finished(op.id);
  assert.equal(done.status, 'completed', done.error ?? '');
  // The interrupted step runs again (steps are idempotent); the ones recorded complete do not.
  assert.deepEqual([...w.runs.entries()], [['one', 1], ['two', 2], ['three', 1]]);
  assert.deepEqual((await view.steps(op.id)).map((s) => [s.name, s.status]), [['one', 'completed'], ['two', 'completed'], ['three', 'completed']]);
  assert.ok(events.some((x) => x.event === 'operation_released'), 'the lease was given back for the scan to resume');
  assert.ok(!events.some((x) => x.event === 'step_failed'));
  assert.deepEqual(outageLines(log), ONE_OUTAGE);
  await e.stop(1000);
});

test('the scan keeps looking while the database is away and finds work created meanwhile', async () => {
  const w = workflow('t-scan', ['only']);
  const { e, log, events } = engine('engine-a', [w.workflow]);
  await e.start();
  outage.down();
  const op = await newOp('t-scan'); // through the API's connection: the engine's is the one away
  await sleep(250); // a dozen scans and bus polls fail meanwhile
  assert.equal((await view.get(op.id))?.status, 'pending');
  outage.up();
  const done = await finished(op.id);
  assert.equal(done.status, 'completed');
  assert.equal(w.runs.get('only'), 1);
  assert.deepEqual(outageLines(log), ONE_OUTAGE);
  assert.ok(!events.some((x) => x.event === 'scan_failed'), 'no line per failed scan');
  await e.stop(1000);
});

test('a record retried after an outage is not written when another engine took the operation meanwhile', async () => {
  const op = await newOp('t-lease');
  const watch = new DependencyWatch('database', captureLog());
  const ops = new DurableOperations(outage.db, { owner: 'engine-a', leaseMs: 10_000, watch, retry: { maxRetries: -1, initialMs: 10, maxMs: 20 } });
  assert.ok(await ops.claim(op.id, 'engine-a', 10_000));
  await ops.stepStarted(op.id, 0, 'only');
  outage.down();
  const write = ops.stepFinished(op.id, 0, { status: 'completed', detail: {} });
  await sleep(60);
  // Engine B takes the operation over (A's lease expired during a long outage) before A reaches the database again.
  await db.updateTable('operations').set({ lease_owner: 'engine-b', lease_expires_at: Date.now() + 60_000 }).where('id', '=', op.id).execute();
  outage.up();
  await assert.rejects(write, LeaseLost);
  assert.equal((await view.steps(op.id))[0]?.status, 'running', 'left for engine B to run again, not recorded by A');
});

test('retries are bounded by db_max_retries, and stop at shutdown', async () => {
  const op = await newOp('t-bounded');
  const watch = new DependencyWatch('database', captureLog());
  const ops = new DurableOperations(outage.db, { owner: 'engine-a', leaseMs: 10_000, watch, retry: { maxRetries: 3, initialMs: 1, maxMs: 1 } });
  outage.down();
  try {
    await assert.rejects(ops.get(op.id), /database is unreachable/);
    const forever = new DurableOperations(outage.db, { owner: 'engine-a', leaseMs: 10_000, watch, retry: { maxRetries: -1, initialMs: 5, maxMs: 5 } });
    const pending = forever.release(op.id, 'engine-a');
    await sleep(30);
    forever.stopRetrying();
    await assert.rejects(pending, /database is unreachable/);
  } finally {
    outage.up();
  }
});

test('the database bus keeps polling through an outage and delivers what was published meanwhile', async () => {
  const log = captureLog();
  const bus = new DbBus(outage.db, { owner: 'engine-bus', pollMs: 20, watch: new DependencyWatch('database', log) });
  const got: unknown[] = [];
  const topic = `outage.${randomUUID()}`;
  try {
    await bus.subscribe(topic, async (p) => void got.push(p.n));
    outage.down();
    await new DbBus(db, { owner: 'api', pollMs: 20 }).publish(topic, { n: 1 }); // the API's connection is fine
    await sleep(200);
    assert.deepEqual(got, []);
    outage.up();
    for (let i = 0; i < 250 && got.length === 0; i++) await sleep(20);
    assert.deepEqual(got, [1]);
    assert.deepEqual(outageLines(log), ONE_OUTAGE);
  } finally {
    await bus.close();
  }
});

test('no promise rejection went unhandled while the database was away', () => {
  assert.deepEqual(unhandled, []);
});
