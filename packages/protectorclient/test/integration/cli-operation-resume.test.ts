// `protector operation resume` against a real protector-api: a failed rollback back to work
// (it holds its protection group again), and a clear one-line refusal of anything else.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Operations } from '../../../protector/src/engine/operations.js';
import { startApi } from '../../../protector/test/helpers/api.js';
import { activePg, completeOperation } from '../../../protector/test/helpers/api-pg.js';
import { aliceCli } from '../helpers/run-cli.js';

const h = await startApi({ peer: true });
const protector = aliceCli(h.site, h.url, 'cli-resume');

test('operation resume: an interrupted rollback goes on rolling back and holds its PG again; resuming it twice is refused in one line', async () => {
  const pgId = await activePg(h, 'resume-cli');
  const ops = new Operations(h.deps.db);
  const op = await ops.create({ id: randomUUID(), project_id: h.projects.demo, pg_id: pgId, type: 'failover', params: { type: 'planned' }, request_id: 'req', user_id: 'alice' });
  assert.ok(await ops.claim(op.id, 'engine-1', 60_000));
  await ops.finish(op.id, 'engine-1', { status: 'failed', error: 'wait_for_transfer: lost; the rollback was interrupted at rollback_source: site-a is unreachable', result: { failed_step: 'wait_for_transfer', failure: 'lost', rollback_failed: { step: 'rollback_source', error: 'site-a is unreachable', unreachable: true } } });

  const r = await protector(['operation', 'resume', op.id]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `resumed operation ${op.id} (failover, rolling_back)\n`);
  const held = await h.call<{ protection_group: { active_operation_id: string | null } }>('GET', `/v1/${h.projects.demo}/protection-groups/${pgId}`, { token: await h.token('alice') });
  assert.equal(held.body.protection_group.active_operation_id, op.id);

  const again = await protector(['operation', 'resume', op.id]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, new RegExp(`^protector: .*operation ${op.id} is rolling_back; only a failed operation can be resumed.*\\n$`));
  assert.equal(again.stderr.split('\n').length, 2, 'one line');
  await completeOperation(h, op.id);
});
