// The bulk action (POST /v1/{project}/actions): one parent operation with a child per protection
// group, all or nothing; the parent's state is its children's (finish, cancel, resume); dry runs
// answer every group's pre-check report; lists filter a parent's children.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { Operations } from '../../src/engine/operations.js';
import { startApi } from '../helpers/api.js';
import { activePg, completeOperation } from '../helpers/api-pg.js';

const h = await startApi({ peer: true });
const demo = h.projects.demo;
const path = `/v1/${demo}/actions`;
const pgs = new ProtectionGroups(h.deps.db);
const ops = new Operations(h.deps.db);

type Err = { error: { code: number; message: string } };
type Op = { id: string; type: string; status: string; progress: number; protection_group_id: string | null; parent_id: string | null; params: Record<string, unknown>; result: Record<string, unknown>; error: string | null; started_at: string | null; finished_at: string | null };
type Bulk = { operation: Op; children: Op[] };
type Show = { operation: Op & { children: Op[]; steps: unknown[]; queued_seconds: number; rto_seconds: number | null } };

/** A PG failed over to site-b, so its failback runs on this site (site-a). */
async function failedOver(name: string): Promise<string> {
  const id = await activePg(h, name);
  const pg = (await pgs.get(id))!;
  await pgs.update(id, { current_primary_site_id: pg.secondary_site_id, status: 'failed_over' });
  return id;
}

const show = async (id: string): Promise<Show['operation']> => (await h.call<Show>('GET', `/v1/${demo}/operations/${id}`, { token: await h.token('alice') })).body.operation;

test('a bulk failback records a parent and a child per PG (each holding its PG); the parent follows its children to partial', async () => {
  const alice = await h.token('alice');
  const ids = [await failedOver('bulk-1'), await failedOver('bulk-2'), await failedOver('bulk-3')];
  const r = await h.call<Bulk>('POST', path, { token: alice, body: { protection_groups: ids, failback: { boot_timeout_seconds: 60 } } });
  assert.equal(r.status, 202, r.text);
  const { operation: parent, children } = r.body;
  assert.deepEqual([parent.type, parent.status, parent.protection_group_id, parent.parent_id], ['bulk', 'pending', null, null]);
  assert.deepEqual(parent.params, { action: 'failback', protection_groups: ids, boot_timeout_seconds: 60 });
  assert.deepEqual(children.map((c) => [c.type, c.status, c.protection_group_id, c.parent_id]), ids.map((id) => ['failback', 'pending', id, parent.id]));
  assert.deepEqual(children[0]!.params, { boot_timeout_seconds: 60 }, 'each child as the single action records it');
  for (const [i, id] of ids.entries()) assert.equal((await pgs.get(id))?.active_operation_id, children[i]!.id, 'each child holds its PG');
  assert.equal(await ops.claim(parent.id, 'engine-x', 60_000), false, 'an engine never claims a parent');

  const listed = await h.call<{ operations: Op[] }>('GET', `/v1/${demo}/operations?parent_id=${parent.id}`, { token: alice });
  assert.deepEqual(listed.body.operations.map((o) => o.id).sort(), children.map((c) => c.id).sort());

  // The children end one by one: running while any is unfinished, then partial (one failed).
  await completeOperation(h, children[1]!.id);
  let p = await show(parent.id);
  assert.deepEqual([p.status, p.progress, p.finished_at], ['running', 33, null]);
  assert.notEqual(p.started_at, null);
  assert.deepEqual(p.children.map((c) => c.protection_group_id), ids, 'children in the order the request named their PGs');
  await completeOperation(h, children[0]!.id);
  await completeOperation(h, children[2]!.id, 'failed');
  p = await show(parent.id);
  assert.equal(p.status, 'partial');
  assert.notEqual(p.finished_at, null);
  assert.deepEqual(p.result.children, { completed: 2, failed: 1 });
  assert.match(p.error ?? '', new RegExp(`1 of 3 protection groups did not complete: ${ids[2]} failed`));
  assert.equal(typeof p.rto_seconds, 'number');
  for (const id of ids) assert.equal((await pgs.get(id))?.active_operation_id, null, 'every PG free again');

  // Resume of the parent resumes its failed child, and the parent is running again until it ends.
  const resumed = await h.call<{ operation: Op }>('POST', `/v1/${demo}/operations/${parent.id}/resume`, { token: alice });
  assert.equal(resumed.status, 202, resumed.text);
  assert.equal(resumed.body.operation.status, 'running');
  assert.equal((await pgs.get(ids[2]!))?.active_operation_id, children[2]!.id);
  await completeOperation(h, children[2]!.id);
  assert.equal((await show(parent.id)).status, 'completed');
  const again = await h.call<Err>('POST', `/v1/${demo}/operations/${parent.id}/resume`, { token: alice });
  assert.equal(again.status, 409);
});

test('all or nothing: a busy, misplaced, wrong-state or missing PG refuses the whole request, naming every one, and records nothing', async () => {
  const alice = await h.token('alice');
  const free = await failedOver('aon-free');
  const busy = await failedOver('aon-busy');
  const here = await activePg(h, 'aon-here'); // its failback would run on site-b
  const wrong = await failedOver('aon-wrong');
  await pgs.update(wrong, { status: 'active' }); // runs here, but nothing to fail back
  const holder = await ops.create({ id: crypto.randomUUID(), project_id: demo, pg_id: busy, type: 'failback', params: {}, request_id: 'r', user_id: 'alice' });
  const before = (await h.call<{ operations: Op[] }>('GET', `/v1/${demo}/operations?limit=1000`, { token: alice })).body.operations.length;

  const both = await h.call<Err>('POST', path, { token: alice, body: { protection_groups: [free, here, wrong], failback: {} } });
  assert.equal(both.status, 409);
  assert.match(both.body.error.message, new RegExp(`failback of protection group ${here} runs on site site-b`));
  assert.match(both.body.error.message, new RegExp(`Protection group ${wrong} is active; failback needs it failed_over`));
  const placed = await h.call<Err>('POST', path, { token: alice, body: { protection_groups: [here], failover: { type: 'planned' } } });
  assert.equal(placed.status, 409);
  assert.match(placed.body.error.message, /runs on site site-b, which brings the workload up; post it there/);
  const taken = await h.call<Err>('POST', path, { token: alice, body: { protection_groups: [free, busy], failback: {} } });
  assert.equal(taken.status, 409, taken.text);
  assert.match(taken.body.error.message, new RegExp(`A protection group is busy: ${busy} with operation ${holder.id}`));
  const missing = await h.call<Err>('POST', path, { token: alice, body: { protection_groups: [free, 'nope-1', 'nope-2'], failback: {} } });
  assert.equal(missing.status, 404);
  assert.match(missing.body.error.message, /Protection groups nope-1, nope-2 could not be found/);
  // Another project's PG is as missing as one that does not exist.
  const carol = await h.call<Err>('POST', `/v1/${h.projects.other}/actions`, { token: await h.token('carol'), body: { protection_groups: [free], failback: {} } });
  assert.equal(carol.status, 404);

  assert.equal((await pgs.get(free))?.active_operation_id, null, 'nothing taken');
  const after = (await h.call<{ operations: Op[] }>('GET', `/v1/${demo}/operations?limit=1000`, { token: alice })).body.operations.length;
  assert.equal(after, before, 'nothing recorded');
  await completeOperation(h, holder.id);
});

test('bad input names the field; readers are refused', async () => {
  const alice = await h.token('alice');
  const pg = await failedOver('bad-input');
  const cases: [unknown, RegExp][] = [
    [{ failback: {} }, /protection_groups/],
    [{ protection_groups: [], failback: {} }, /protection_groups/],
    [{ protection_groups: [pg, pg], failback: {} }, /protection_groups/],
    [{ protection_groups: [pg] }, /body\. Name one action: failover, failback, test_failover or test_cleanup/],
    [{ protection_groups: [pg], failback: {}, test_cleanup: {} }, /body/],
    [{ protection_groups: [pg], sync: {} }, /sync/],
    [{ protection_groups: ['not an id!'], failback: {} }, /protection_groups\.0/],
  ];
  for (const [body, field] of cases) {
    const r = await h.call<Err>('POST', path, { token: alice, body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(r.body.error.message, field, JSON.stringify(body));
  }
  const bob = await h.call<Err>('POST', path, { token: await h.token('bob'), body: { protection_groups: [pg], failback: {} } });
  assert.equal(bob.status, 403);
});

test('a bulk dry run answers every PG its pre-check report and records nothing', async () => {
  const alice = await h.token('alice');
  const ids = [await failedOver('dry-1'), await failedOver('dry-2')];
  await pgs.update(ids[1]!, { status: 'active' });
  const r = await h.call<{ precheck: { action: string; ok: boolean; protection_groups: { protection_group_id: string; name: string; ok: boolean; blockers: { code: string }[] }[] } }>('POST', path, {
    token: alice,
    body: { protection_groups: ids, failback: { dry_run: true } },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.precheck.action, 'failback');
  assert.equal(r.body.precheck.ok, false);
  assert.deepEqual(r.body.precheck.protection_groups.map((p) => [p.protection_group_id, p.name]), [[ids[0], 'dry-1'], [ids[1], 'dry-2']]);
  const [one, two] = r.body.precheck.protection_groups;
  assert.ok(!two!.ok && two!.blockers.some((b) => b.code === 'pg_state_invalid'), 'the active PG has nothing to fail back');
  assert.equal(r.body.precheck.ok, one!.ok && two!.ok);
  for (const id of ids) assert.equal((await pgs.get(id))?.active_operation_id, null);
});

test('cancelling a parent cancels the children no engine has started; the started ones go on', async () => {
  const alice = await h.token('alice');
  const ids = [await failedOver('cancel-1'), await failedOver('cancel-2')];
  const r = await h.call<Bulk>('POST', path, { token: alice, body: { protection_groups: ids, failback: {} } });
  assert.equal(r.status, 202, r.text);
  const [first, second] = r.body.children;
  assert.ok(await ops.claim(first!.id, 'engine-1', 60_000));
  const c = await h.call<Show>('POST', `/v1/${demo}/operations/${r.body.operation.id}/cancel`, { token: alice });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.operation.status, 'running');
  assert.deepEqual(c.body.operation.children.map((x) => x.status), ['running', 'cancelled']);
  assert.equal((await pgs.get(ids[1]!))?.active_operation_id, null, 'the cancelled child freed its PG');
  const none = await h.call<Err>('POST', `/v1/${demo}/operations/${r.body.operation.id}/cancel`, { token: alice });
  assert.equal(none.status, 409);
  assert.match(none.body.error.message, /has started and cannot be cancelled safely/);
  await ops.finish(first!.id, 'engine-1', { status: 'completed' });
  const p = await show(r.body.operation.id);
  assert.equal(p.status, 'partial', 'one came through, one was cancelled');
  assert.ok(second);
});

test('twenty children ending at once on as many engines settle the parent once all have: completed, 20 of 20', async () => {
  const alice = await h.token('alice');
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push(await failedOver(`race-${i}`));
  const r = await h.call<Bulk>('POST', path, { token: alice, body: { protection_groups: ids, failback: {} } });
  assert.equal(r.status, 202, r.text);
  const kids = r.body.children;
  for (const [i, c] of kids.entries()) assert.ok(await ops.claim(c.id, `engine-${i}`, 60_000));
  await Promise.all(kids.map((c, i) => ops.finish(c.id, `engine-${i}`, { status: 'completed' })));
  const p = await show(r.body.operation.id);
  assert.deepEqual([p.status, p.progress, p.result.children], ['completed', 100, { completed: 20 }]);
});
