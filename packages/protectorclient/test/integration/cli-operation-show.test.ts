// `protector operation show` against a real protector-api: the time the operation waited for an
// engine (queued_seconds) beside its RTO, which counts from the request.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Operations } from '../../../protector/src/engine/operations.js';
import { startApi } from '../../../protector/test/helpers/api.js';
import { activePg } from '../../../protector/test/helpers/api-pg.js';
import { aliceCli } from '../helpers/run-cli.js';

const h = await startApi({ peer: true });
const protector = aliceCli(h.site, h.url, 'cli-op-show');

test('operation show: queued_seconds (request to pickup) beside rto_seconds (request to end), in the table and in JSON', async () => {
  const pgId = await activePg(h, 'show-queued');
  let t = Date.now() - 120_000;
  const ops = new Operations(h.deps.db, () => t);
  const op = await ops.create({ id: randomUUID(), project_id: h.projects.demo, pg_id: pgId, type: 'failover', params: { type: 'planned' }, request_id: 'req', user_id: 'alice' });
  t += 12_500; // every engine was busy
  assert.ok(await ops.claim(op.id, 'engine-1', 60_000));
  t += 30_000;
  await ops.finish(op.id, 'engine-1', { status: 'completed' });

  const table = await protector(['operation', 'show', op.id]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^\| queued_seconds +\| 12\.5 +\|$/m);
  assert.match(table.stdout, /^\| rto_seconds +\| 42\.5 +\|$/m);
  const json = JSON.parse((await protector(['operation', 'show', op.id, '-f', 'json'])).stdout) as { queued_seconds: number; rto_seconds: number };
  assert.deepEqual([json.queued_seconds, json.rto_seconds], [12.5, 42.5]);
});
