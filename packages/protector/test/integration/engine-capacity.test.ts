// The engine's slots by class of work: a failover is claimed while lifecycle work fills the
// engines, DR operations are claimed first, the time an operation waited for an engine is
// recorded (created_at to started_at) and counted in its RTO, and a step waiting for a person
// gives its slot back until it is done waiting.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { operationTimes } from '../../src/api/resources/operations.js';
import { DbBus } from '../../src/bus/index.js';
import { openDatabase, syncDatabase } from '../../src/db/index.js';
import { Engine, Operations, type Workflow } from '../../src/engine/index.js';
import { eventually } from '../helpers/bus.js';
import { testDatabaseUrl } from '../helpers/test-db.js';

const url = await testDatabaseUrl();
const db = openDatabase(url);
await syncDatabase(db);
const connections = [db];
const engines: Engine[] = [];
// Engines first, then the connections they use.
after(async () => {
  for (const e of engines) await e.stop(1000);
  for (const c of connections) await c.destroy();
});

let clock = Date.now();
const now = () => clock;
const ops = new Operations(db, now);
const newOp = (type: string) => ops.create({ id: randomUUID(), project_id: 'p1', pg_id: null, type, params: {}, request_id: 'req', user_id: 'u1' });

/** A one-step workflow whose step waits for `release(id)`; `running` names the operations inside it. */
function gated(types: string[]) {
  const gates = new Map<string, () => void>();
  const running = new Set<string>();
  const workflows: Workflow[] = types.map((type) => ({
    type,
    steps: () => [
      {
        name: 'work',
        run: async (ctx) => {
          running.add(ctx.operation.id);
          try {
            // An engine stopping (the end of the file) aborts the step rather than wait for ever.
            await new Promise<void>((r, reject) => {
              gates.set(ctx.operation.id, r);
              ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error));
            });
          } finally {
            running.delete(ctx.operation.id);
          }
          return {};
        },
      },
    ],
  }));
  return { workflows, running, release: (id: string) => gates.get(id)?.(), releaseAll: () => [...gates.values()].forEach((r) => r()) };
}

function engine(owner: string, workflows: Workflow[], capacity: { dr: number; lifecycle: number }): Engine {
  const c = openDatabase(url);
  connections.push(c);
  const e = new Engine(new Operations(c, now), new DbBus(c, { owner, pollMs: 10, now }), workflows, { owner, capacity, leaseMs: 60_000, heartbeatMs: 50, scanMs: 20, now });
  engines.push(e);
  return e;
}

const status = async (id: string) => (await ops.get(id))?.status;

test('a failover is claimed and run while lifecycle work fills every lifecycle slot; the waiting lifecycle operation records its queue time', async () => {
  const g = gated(['pg_create', 'member_add', 'failover']);
  const e = engine('engine-a', g.workflows, { dr: 1, lifecycle: 1 });
  const busy = await newOp('pg_create');
  // A millisecond later, so "oldest first" names busy on any database (ties have no order).
  clock += 1;
  const requested = clock;
  const waiting = await newOp('member_add');
  await e.start();
  await eventually(() => g.running.has(busy.id), 'the lifecycle slot taken');
  // The engine is busy: the second lifecycle operation waits, and time passes.
  clock += 5000;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await status(waiting.id), 'pending', 'no second lifecycle slot');
  assert.equal((await ops.get(waiting.id))?.started_at, null);

  const failover = await newOp('failover');
  await eventually(() => g.running.has(failover.id), 'the failover running beside the lifecycle work');
  assert.equal(await status(waiting.id), 'pending', 'the DR slot is not lent to lifecycle work');
  clock += 2000;
  g.release(failover.id);
  await eventually(async () => (await status(failover.id)) === 'completed', 'the failover done');
  const f = (await ops.get(failover.id))!;
  assert.deepEqual(operationTimes(f, clock), { queued_seconds: 0, rto_seconds: 2 }, 'a failover with a free slot waits for nothing');

  g.release(busy.id);
  await eventually(() => g.running.has(waiting.id), 'the queued lifecycle operation taken once the slot is free');
  clock += 3000;
  g.release(waiting.id);
  await eventually(async () => (await status(waiting.id)) === 'completed', 'the queued operation done');
  const w = (await ops.get(waiting.id))!;
  assert.equal(w.created_at, requested);
  assert.equal(w.started_at, requested + 7000, 'picked up when the busy operation ended, 7 s after the request');
  assert.deepEqual(operationTimes(w, clock), { queued_seconds: 7, rto_seconds: 10 }, 'the RTO counts from the request, the wait included');
  await e.stop(1000);
});

test('the scan lists DR operations first, up to the free slots of each class, oldest first within a class', async () => {
  // Nothing runs these: they only sit in the table for the query.
  const older = await newOp('replicate');
  clock += 10;
  const drill = await newOp('test_failover');
  clock += 10;
  const cleanup = await newOp('test_cleanup');
  const list = await ops.claimable({ dr: 1, lifecycle: 5, plan: 0 });
  assert.deepEqual(list.slice(0, 2), [{ id: drill.id, type: 'test_failover' }, { id: older.id, type: 'replicate' }]);
  assert.ok(!list.some((c) => c.id === cleanup.id), 'one DR slot free: one DR operation');
  assert.deepEqual(await ops.claimable({ dr: 0, lifecycle: 0, plan: 0 }), []);
  assert.ok((await ops.claimable({ dr: 2, lifecycle: 0, plan: 0 })).every((c) => ['test_failover', 'test_cleanup'].includes(c.type)));
  await db.deleteFrom('operations').where('id', 'in', [older.id, drill.id, cleanup.id]).execute();
});

test('several engines on one database: with every lifecycle slot taken, each DR operation is claimed by one engine with a DR slot and runs once', async () => {
  const g = gated(['pg_delete', 'failback', 'test_failover']);
  const a = engine('engine-x', g.workflows, { dr: 2, lifecycle: 1 });
  const b = engine('engine-y', g.workflows, { dr: 2, lifecycle: 1 });
  const lifecycle = await Promise.all([newOp('pg_delete'), newOp('pg_delete'), newOp('pg_delete')]);
  await Promise.all([a.start(), b.start()]);
  await eventually(() => lifecycle.filter((o) => g.running.has(o.id)).length === 2, 'both lifecycle slots taken');
  const dr = await Promise.all([newOp('failback'), newOp('test_failover'), newOp('failback'), newOp('test_failover')]);
  await eventually(() => dr.every((o) => g.running.has(o.id)), 'all four DR operations running at once, two per engine');
  const owners = await Promise.all(dr.map(async (o) => (await ops.get(o.id))?.lease_owner));
  assert.deepEqual([...new Set(owners)].sort(), ['engine-x', 'engine-y']);
  assert.equal(lifecycle.filter((o) => g.running.has(o.id)).length, 2, 'the third lifecycle operation still waits');
  g.releaseAll();
  for (const o of [...dr, ...lifecycle]) {
    await eventually(async () => {
      g.releaseAll();
      return (await status(o.id)) === 'completed';
    }, `operation ${o.type} done`);
  }
  const steps = await Promise.all(dr.map((o) => ops.steps(o.id)));
  assert.ok(steps.every((s) => s.length === 1 && s[0]?.status === 'completed'), 'each ran once');
  await Promise.all([a.stop(1000), b.stop(1000)]);
});

test('a step waiting for a person holds no slot: another DR operation runs meanwhile, and the waiter takes the next free slot ahead of new work', async () => {
  const g = gated(['test_failover']);
  // failover: waits for a decision without its slot (as await_commit does), then works in its slot.
  let decide = () => {};
  const working = new Set<string>();
  let finish = () => {};
  const failover: Workflow = {
    type: 'failover',
    steps: () => [
      { name: 'await_decision', run: async (ctx) => ctx.idle(() => new Promise<Record<string, unknown>>((r) => (decide = () => r({ decided: true })))) },
      {
        name: 'work',
        run: async (ctx) => {
          working.add(ctx.operation.id);
          await new Promise<void>((r) => (finish = r));
          return {};
        },
      },
    ],
  };
  const e = engine('engine-idle', [failover, ...g.workflows], { dr: 1, lifecycle: 1 });
  await e.start();
  const waiter = await newOp('failover');
  await eventually(async () => (await ops.steps(waiter.id)).some((s) => s.name === 'await_decision' && s.status === 'running'), 'the failover waiting');
  const drill = await newOp('test_failover');
  await eventually(() => g.running.has(drill.id), 'a drill runs in the slot the waiting failover gave back');
  decide();
  clock += 1;
  const later = await newOp('test_failover');
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(!working.has(waiter.id), 'done waiting, the failover waits for a slot');
  assert.equal(await status(later.id), 'pending', 'new work does not take the slot the failover is waiting for');
  g.release(drill.id);
  await eventually(() => working.has(waiter.id), 'the failover back in its slot first');
  assert.equal(await status(later.id), 'pending', 'one DR slot: the later drill still waits');
  finish();
  await eventually(() => g.running.has(later.id), 'then the later drill');
  g.release(later.id);
  await eventually(async () => (await status(later.id)) === 'completed' && (await status(waiter.id)) === 'completed', 'both done');
  await e.stop(1000);
});
