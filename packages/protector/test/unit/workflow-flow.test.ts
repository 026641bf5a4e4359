// The typed step builder (engine/workflows/flow.ts) under the real runner: outputs flow forward,
// typed; a conditional step's output is optional; params are parsed once; rollback steps see the
// forward outputs as Partial; and a resumed operation does not run a completed step again, its
// later steps seeing the detail recorded for it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { DbBus } from '../../src/bus/index.js';
import { DatabaseUnavailableError, openDatabase, syncDatabase } from '../../src/db/index.js';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { SecretBox } from '../../src/db/secrets.js';
import { Sites } from '../../src/db/sites.js';
import type { WorkflowDeps } from '../../src/engine/context.js';
import { Engine, Operations, StepError, type OperationRecord, type OperationType, type Workflow } from '../../src/engine/index.js';
import { defineWorkflow } from '../../src/engine/workflows/flow.js';
import type { StorageDriver } from '../../src/storage/index.js';
import { testDatabaseUrl } from '../helpers/test-db.js';

const db = openDatabase(await testDatabaseUrl());
await syncDatabase(db);
after(() => db.destroy());

const ops = new Operations(db);
const pgs = new ProtectionGroups(db);
// The builder reads the PG and sets its status; these workflows touch no site and no array.
const deps: WorkflowDeps = { pgs, sites: new Sites(db, new SecretBox('k'.repeat(32))), storage: {} as StorageDriver };

async function newOp(type: OperationType, params: Record<string, unknown> = {}): Promise<OperationRecord> {
  const pgId = randomUUID();
  await pgs.create({
    id: pgId, project_id: 'p1', name: `pg-${pgId}`, description: '', replication_type: 'async', status: 'active',
    primary_site_id: 'a', secondary_site_id: 'b', current_primary_site_id: 'a', resources: { sites: {} },
  });
  return ops.create({ id: randomUUID(), project_id: 'p1', pg_id: pgId, type, params, request_id: 'req-1', user_id: 'u1' });
}

/** Runs the operation with an engine holding only `workflow`; returns it finished, with its steps. */
async function run(workflow: Workflow, op: OperationRecord) {
  const owner = `engine-${randomUUID()}`;
  const engine = new Engine(new Operations(db), new DbBus(db, { owner, pollMs: 50 }), [workflow], { owner, capacity: { dr: 1, lifecycle: 1 }, leaseMs: 60_000, heartbeatMs: 1000, scanMs: 1000 });
  await engine.tryRun(op.id);
  const done = await ops.get(op.id);
  assert.ok(done);
  return { done, steps: await ops.steps(op.id) };
}

const details = (steps: { name: string; detail: Record<string, unknown> }[]) => Object.fromEntries(steps.map((s) => [s.name, s.detail]));

test('each step sees the outputs of the steps before it, the parsed params, and the PG as its own attempt read it', async () => {
  const workflow = defineWorkflow(deps, {
    type: 'member_add',
    steps: (p, flow) =>
      flow
        .step('first', async (s) => {
          await s.ctx.pgs.update(s.pg.id, { status: 'error' });
          return { n: 1, status_seen: s.pg.status };
        })
        .step('second', async (s) => ({ n: s.out.first.n + 1, status_seen: s.pg.status, server: s.params.server_id, order: p.boot_order })),
  });
  const { done, steps } = await run(workflow, await newOp('member_add', { server_id: 'srv-1', boot_order: 2 }));
  assert.equal(done.status, 'completed', done.error ?? '');
  assert.deepEqual(details(steps), { first: { n: 1, status_seen: 'active' }, second: { n: 2, status_seen: 'error', server: 'srv-1', order: 2 } });
});

test('a conditional step is in the list only when asked for, and the steps after it see its output as optional', async () => {
  const build = (when: boolean) =>
    defineWorkflow(deps, {
      type: 'replicate',
      steps: (_p, flow) =>
        flow
          .stepIf(when, 'maybe', async () => ({ network: 'net-1' }))
          .step('after', async (s) => ({ network: s.out.maybe?.network ?? null })),
    });
  const without = await run(build(false), await newOp('replicate'));
  assert.deepEqual(details(without.steps), { after: { network: null } });
  const withIt = await run(build(true), await newOp('replicate'));
  assert.deepEqual(details(withIt.steps), { maybe: { network: 'net-1' }, after: { network: 'net-1' } });
});

test('resumed: a step recorded completed is not run again, and the steps after it see its recorded detail', async () => {
  const runs: string[] = [];
  const workflow = defineWorkflow(deps, {
    type: 'replicate',
    steps: (_p, flow) =>
      flow
        .step('first', async () => {
          runs.push('first');
          return { point: 'taken-now' };
        })
        .step('second', async (s) => {
          runs.push('second');
          return { point: s.out.first.point };
        }),
  });
  const op = await newOp('replicate');
  // An engine that died after recording `first` (as JSON) and starting `second`.
  assert.ok(await ops.claim(op.id, 'dead-engine', 60_000));
  await ops.stepStarted(op.id, 0, 'first');
  await ops.stepFinished(op.id, 0, { status: 'completed', detail: { point: 'recorded-before-the-crash' } });
  await ops.stepStarted(op.id, 1, 'second');
  await ops.release(op.id, 'dead-engine');
  const { done, steps } = await run(workflow, op);
  assert.equal(done.status, 'completed', done.error ?? '');
  assert.deepEqual(runs, ['second']);
  assert.deepEqual(details(steps), { first: { point: 'recorded-before-the-crash' }, second: { point: 'recorded-before-the-crash' } });
});

test('rollback steps see the forward outputs as Partial: what ran before the failure, nothing of what did not', async () => {
  const workflow = defineWorkflow(deps, {
    type: 'replicate',
    steps: (_p, flow) =>
      flow
        .step('made', async () => ({ thing: 'thing-1' }))
        .step('fails', async (): Promise<{ never: true }> => {
          throw new StepError('on purpose');
        })
        .step('not_reached', async () => ({ other: 1 }))
        .rollback((undo, failedStep) =>
          undo.step('undo_made', async (s) => ({ failed_step: failedStep, removed: s.out.made?.thing ?? null, saw_not_reached: s.out.not_reached !== undefined })),
        ),
  });
  const { done, steps } = await run(workflow, await newOp('replicate'));
  assert.equal(done.status, 'rolled_back');
  assert.equal(done.error, 'fails: on purpose (rolled back)');
  assert.deepEqual(details(steps).undo_made, { failed_step: 'fails', removed: 'thing-1', saw_not_reached: false });
});

test('params that cannot be parsed fail the operation before any step, naming what is wrong', async () => {
  let ran = false;
  const workflow = defineWorkflow(deps, {
    type: 'member_remove',
    steps: (_p, flow) =>
      flow.step('remove', async () => {
        ran = true;
        return {};
      }),
  });
  const { done, steps } = await run(workflow, await newOp('member_remove', { server: 'typo' }));
  assert.equal(done.status, 'failed');
  assert.equal(done.error, 'params: member_remove needs server_id');
  assert.deepEqual(steps.map((s) => [s.name, s.status]), [['params', 'failed']]);
  assert.equal(ran, false);
});

test('failureStatus: a step the database refused leaves the PG as it was; the operation is given back, then completes', async () => {
  let runs = 0;
  const workflow = defineWorkflow(deps, {
    type: 'pg_create',
    failureStatus: 'error',
    steps: (_p, flow) =>
      flow.step('needs_db', async (): Promise<{ runs: number }> => {
        if (++runs === 1) throw new DatabaseUnavailableError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' }));
        return { runs };
      }),
  });
  const op = await newOp('pg_create');
  const first = await run(workflow, op);
  assert.equal(first.done.status, 'running', 'not failed: left for the scan to resume');
  assert.equal(first.done.lease_owner, null);
  assert.equal((await pgs.get(op.pg_id ?? ''))?.status, 'active', 'the PG is not marked error');
  const again = await run(workflow, op);
  assert.equal(again.done.status, 'completed');
  assert.deepEqual(details(again.steps), { needs_db: { runs: 2 } });
});

test('failureStatus: a step that fails for real leaves the PG in that status', async () => {
  const workflow = defineWorkflow(deps, {
    type: 'pg_create',
    failureStatus: 'error',
    steps: (_p, flow) =>
      flow.step('fails', async (): Promise<Record<string, never>> => {
        throw new StepError('on purpose');
      }),
  });
  const op = await newOp('pg_create');
  const { done } = await run(workflow, op);
  assert.equal(done.status, 'failed');
  assert.equal((await pgs.get(op.pg_id ?? ''))?.status, 'error');
});
