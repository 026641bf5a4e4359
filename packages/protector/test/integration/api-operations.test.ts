// Operations: listed with filters and pages, shown with their steps and RTO, cancelled only
// before an engine has started them; another project's operations do not exist.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Operations } from '../../src/engine/operations.js';
import { startApi } from '../helpers/api.js';
import { activePg, completeOperation } from '../helpers/api-pg.js';

const h = await startApi({ peer: true });
const demo = h.projects.demo;
type Err = { error: { code: number; message: string } };
type Op = { id: string; type: string; status: string; protection_group_id: string | null };
type OpShow = { operation: Op & { steps: { name: string; status: string; duration_ms: number | null; started_at: string | null; finished_at: string | null; error: string | null; detail: unknown }[]; queued_seconds: number; rto_seconds: number | null } };

const pgA = await activePg(h, 'ops-a');
const pgB = await activePg(h, 'ops-b');

test('list with filters and pages; show with steps and rto_seconds', async () => {
  const bob = await h.token('bob');
  const all = await h.call<{ operations: Op[] }>('GET', `/v1/${demo}/operations`, { token: bob });
  assert.equal(all.status, 200, all.text);
  assert.equal(all.body.operations.length, 2);
  assert.ok(all.body.operations.every((o) => o.type === 'pg_create' && o.status === 'completed'));
  const onA = await h.call<{ operations: Op[] }>('GET', `/v1/${demo}/operations?pg_id=${pgA}`, { token: bob });
  assert.deepEqual(onA.body.operations.map((o) => o.protection_group_id), [pgA]);
  assert.equal((await h.call<{ operations: Op[] }>('GET', `/v1/${demo}/operations?status=pending`, { token: bob })).body.operations.length, 0);
  assert.equal((await h.call<{ operations: Op[] }>('GET', `/v1/${demo}/operations?type=member_add`, { token: bob })).body.operations.length, 0);
  const badStatus = await h.call<Err>('GET', `/v1/${demo}/operations?status=sleeping`, { token: bob });
  assert.equal(badStatus.status, 400);
  assert.match(badStatus.body.error.message, /status/);
  const page = await h.call<{ operations: Op[]; operations_links?: { rel: string; href: string }[] }>('GET', `/v1/${demo}/operations?limit=1`, { token: bob });
  assert.equal(page.body.operations.length, 1);
  assert.match(page.body.operations_links?.[0]?.href ?? '', /marker=/);

  const id = onA.body.operations[0]!.id;
  const show = await h.call<OpShow>('GET', `/v1/${demo}/operations/${id}`, { token: bob });
  assert.equal(show.status, 200);
  assert.equal(show.body.operation.steps.length, 1);
  const step = show.body.operation.steps[0]!;
  assert.equal(step.name, 'do_it');
  assert.equal(step.status, 'completed');
  assert.equal(typeof step.duration_ms, 'number');
  assert.ok(step.started_at && step.finished_at);
  assert.equal(typeof show.body.operation.rto_seconds, 'number');
});

test('queued_seconds: request to first pickup; rto_seconds from the request to the end, the wait included; both run on while unfinished', async () => {
  const alice = await h.token('alice');
  let t = Date.now() - 60_000;
  const ops = new Operations(h.deps.db, () => t);
  const { id } = await ops.create({ id: randomUUID(), project_id: demo, pg_id: null, type: 'failover', params: { type: 'planned' }, request_id: 'req-queued', user_id: 'alice' });
  const waiting = await h.call<OpShow>('GET', `/v1/${demo}/operations/${id}`, { token: alice });
  assert.equal(waiting.status, 200, waiting.text);
  // Pending since a minute ago (by the fake clock): both times count from the request to now.
  assert.ok(waiting.body.operation.queued_seconds >= 59, String(waiting.body.operation.queued_seconds));
  assert.equal(waiting.body.operation.rto_seconds, waiting.body.operation.queued_seconds, 'while it waits, the RTO so far is the wait');
  t += 4200; // every engine busy for 4.2 s
  assert.ok(await ops.claim(id, 'engine-1', 60_000));
  t += 6000;
  await ops.finish(id, 'engine-1', { status: 'completed' });
  const done = await h.call<OpShow>('GET', `/v1/${demo}/operations/${id}`, { token: alice });
  assert.equal(done.body.operation.queued_seconds, 4.2);
  assert.equal(done.body.operation.rto_seconds, 10.2, 'from the request, not from the pickup (which would be 6)');
});

test('cancel: pending → cancelled (PG freed), running → 409, finished → 409', async () => {
  const alice = await h.token('alice');
  const del = await h.call<{ operation: Op }>('DELETE', `/v1/${demo}/protection-groups/${pgA}`, { token: alice });
  assert.equal(del.status, 202, del.text);
  const bob = await h.call<Err>('POST', `/v1/${demo}/operations/${del.body.operation.id}/cancel`, { token: await h.token('bob') });
  assert.equal(bob.status, 403);
  assert.match(bob.body.error.message, /protector:operations:cancel/);
  const cancelled = await h.call<OpShow>('POST', `/v1/${demo}/operations/${del.body.operation.id}/cancel`, { token: alice });
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.body.operation.status, 'cancelled');
  assert.equal(cancelled.body.operation.rto_seconds, null, 'cancelled before any engine took it: no RTO');
  assert.equal(typeof cancelled.body.operation.queued_seconds, 'number');
  const pg = await h.call<{ protection_group: { status: string; active_operation_id: string | null } }>('GET', `/v1/${demo}/protection-groups/${pgA}`, { token: alice });
  assert.equal(pg.body.protection_group.active_operation_id, null, 'the PG is free again');
  assert.equal(pg.body.protection_group.status, 'active', 'a delete that never ran leaves the PG as it was');
  const twice = await h.call<Err>('POST', `/v1/${demo}/operations/${del.body.operation.id}/cancel`, { token: alice });
  assert.equal(twice.status, 409);
  assert.match(twice.body.error.message, /already cancelled/);

  const del2 = await h.call<{ operation: Op }>('DELETE', `/v1/${demo}/protection-groups/${pgB}`, { token: alice });
  assert.equal(del2.status, 202, del2.text);
  assert.ok(await new Operations(h.deps.db).claim(del2.body.operation.id, 'engine-1', 60_000));
  const running = await h.call<Err>('POST', `/v1/${demo}/operations/${del2.body.operation.id}/cancel`, { token: alice });
  assert.equal(running.status, 409);
  assert.match(running.body.error.message, /cannot be cancelled safely/);
  await completeOperation(h, del2.body.operation.id).catch(() => undefined);
});

test('resume: a failed operation back to work (a failed rollback goes on rolling back, the PG taken again); anything else 409; readers 403; other projects 404', async () => {
  const pgC = await activePg(h, 'ops-c');
  const alice = await h.token('alice');
  const ops = new Operations(h.deps.db);
  const { id } = await ops.create({ id: randomUUID(), project_id: demo, pg_id: pgC, type: 'failover', params: { type: 'planned' }, request_id: 'req-resume', user_id: 'alice' });
  assert.ok(await ops.claim(id, 'engine-1', 60_000));
  const early = await h.call<Err>('POST', `/v1/${demo}/operations/${id}/resume`, { token: alice });
  assert.equal(early.status, 409);
  assert.match(early.body.error.message, /is running; only a failed operation can be resumed/);
  await ops.finish(id, 'engine-1', { status: 'failed', error: 'x: y; the rollback was interrupted at undo: site-b is unreachable', result: { failed_step: 'x', failure: 'y', rollback_failed: { step: 'undo', error: 'site-b is unreachable', unreachable: true } } });

  const reader = await h.call<Err>('POST', `/v1/${demo}/operations/${id}/resume`, { token: await h.token('bob') });
  assert.equal(reader.status, 403);
  assert.match(reader.body.error.message, /protector:operations:resume/);
  assert.equal((await h.call('POST', `/v1/${h.projects.other}/operations/${id}/resume`, { token: await h.token('carol') })).status, 404);
  const r = await h.call<{ operation: Op & { error: string | null; result: { resumed: { phase: string; step: string }[] } } }>('POST', `/v1/${demo}/operations/${id}/resume`, { token: alice });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.body.operation.status, 'rolling_back');
  assert.equal(r.body.operation.error, null);
  assert.deepEqual(r.body.operation.result.resumed.map((x) => [x.phase, x.step]), [['rollback', 'undo']]);
  const pg = await h.call<{ protection_group: { active_operation_id: string | null } }>('GET', `/v1/${demo}/protection-groups/${pgC}`, { token: alice });
  assert.equal(pg.body.protection_group.active_operation_id, id, 'the resumed operation holds its PG again');
  const twice = await h.call<Err>('POST', `/v1/${demo}/operations/${id}/resume`, { token: alice });
  assert.equal(twice.status, 409);
  assert.match(twice.body.error.message, /is rolling_back; only a failed operation can be resumed/);
  await completeOperation(h, id);
});

test("another project's operations are 404; a URL naming another project is 400", async () => {
  const ops = await h.call<{ operations: Op[] }>('GET', `/v1/${demo}/operations`, { token: await h.token('alice') });
  const id = ops.body.operations[0]!.id;
  const carol = await h.token('carol');
  assert.equal((await h.call('GET', `/v1/${h.projects.other}/operations/${id}`, { token: carol })).status, 404);
  assert.equal((await h.call('POST', `/v1/${h.projects.other}/operations/${id}/cancel`, { token: carol })).status, 404);
  const list = await h.call<{ operations: Op[] }>('GET', `/v1/${h.projects.other}/operations`, { token: carol });
  assert.equal(list.body.operations.length, 0);
  const mismatch = await h.call<Err>('GET', `/v1/${demo}/operations/${id}`, { token: carol });
  assert.equal(mismatch.status, 400);
  assert.match(mismatch.body.error.message, /Malformed request URL/);
  assert.equal((await h.call('GET', `/v1/${demo}/operations/not%20an%20id`, { token: await h.token('alice') })).status, 400);
});
