// MariaDB stops for 20 s in the middle of an operation (.ci/run starts the server and sets
// PROTECTOR_TEST_MYSQL_URL and PROTECTOR_TEST_MYSQL_DIR for scripts/system/mariadb.sh): a real
// protector-engine process lives through it and completes the operation exactly once, and
// protector-api answers 503 in its error shape (and /healthz 503 naming the database) meanwhile.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { assertErrorAnswer, errorAnswer } from '../helpers/error-answers.js';
import { outageSite, PROJECT, TOKEN } from '../helpers/outage-site.js';
import { testDatabaseUrl } from '../helpers/test-db.js';

const url = process.env.PROTECTOR_TEST_MYSQL_URL;
const dir = process.env.PROTECTOR_TEST_MYSQL_DIR;
const skip = url && dir ? false : 'needs a real MariaDB: PROTECTOR_TEST_MYSQL_URL and PROTECTOR_TEST_MYSQL_DIR (.ci/run sets them)';
const script = new URL('../../../../scripts/system/mariadb.sh', import.meta.url).pathname;
const mariadb = (cmd: 'down' | 'up') => execFileSync(script, [cmd, dir!], { stdio: 'ignore' });
const OUTAGE_MS = 20_000;

// A fresh database on that server for this file (dropped at its end).
if (url) process.env.PROTECTOR_TEST_DB_URL = url;
const dbUrl = skip ? '' : await testDatabaseUrl();

const fetchAnswer = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(path, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
};

test('protector-engine lives through a 20 s MariaDB stop mid-operation and completes it exactly once; the API answers 503 meanwhile', { skip, timeout: 180_000 }, async () => {
  const s = await outageSite({ dbUrl });
  let down = false;
  try {
    const before = s.snapshots();
    const op = await s.newReplicate();
    // The engine's scan takes it, snapshots, and waits for the transfer the test holds back.
    await s.waitFor('the transfer wait to start', async () => ((await s.stepsOf(op.id)).some((x) => x.name === 'wait_for_transfer' && x.status === 'running') ? true : undefined));

    mariadb('down');
    down = true;
    const downAt = Date.now();
    await s.release();
    // The step's work is done with MariaDB away: its record has to wait for the database.
    await s.waitFor('the transfer to complete on the array', async () => (s.transferred() === 1 ? true : undefined));

    const read = await fetchAnswer(`${s.apiUrl}/v1/${PROJECT}/protection-groups`, { 'X-Auth-Token': TOKEN });
    assertErrorAnswer(errorAnswer(read), 503, 'a read while MariaDB is down');
    assert.match(read.text, /database of this Protector site is unreachable/);
    const health = await fetchAnswer(`${s.apiUrl}/healthz`);
    assert.equal(health.status, 503);
    assert.deepEqual((JSON.parse(health.text) as { failed: string[] }).failed, ['database']);

    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    assert.equal(s.engine.exitCode, null, 'protector-engine is still running');
    mariadb('up');
    down = false;

    const done = await s.waitFor('the operation to finish', async () => {
      const o = await s.ops.get(op.id);
      return o && o.status !== 'running' && o.status !== 'pending' ? o : undefined;
    });
    assert.equal(done.status, 'completed', done.error ?? '');
    assert.deepEqual((await s.stepsOf(op.id)).map((x) => [x.name, x.status]), [['snapshot_and_replicate', 'completed'], ['wait_for_transfer', 'completed']]);
    assert.equal(s.snapshots() - before, 1, 'one snapshot taken: no step ran twice');
    const log = s.engineLines();
    const started = log.filter((l) => l.event === 'step_started' && l.operation_id === op.id).map((l) => l.step);
    assert.deepEqual(started, ['snapshot_and_replicate', 'wait_for_transfer'], 'each step started once');
    // One warning for the outage and one line when it ended, not one per retry.
    assert.equal(log.filter((l) => l.dependency === 'database' && l.level === 'warn').length, 1, JSON.stringify(log.filter((l) => l.dependency)));
    assert.equal(log.filter((l) => l.dependency === 'database' && /reachable again/.test(String(l.msg))).length, 1);
    assert.ok(!log.some((l) => l.event === 'operation_crashed' || l.event === 'step_failed'));
    const at = (pred: (l: Record<string, unknown>) => boolean) => log.findIndex(pred);
    assert.ok(
      at((l) => l.event === 'step_completed' && l.step === 'wait_for_transfer') > at((l) => /reachable again/.test(String(l.msg))),
      'the step was recorded complete once MariaDB was back',
    );

    assert.equal((await fetchAnswer(`${s.apiUrl}/healthz`)).status, 200);
    assert.equal((await fetchAnswer(`${s.apiUrl}/v1/${PROJECT}/protection-groups`, { 'X-Auth-Token': TOKEN })).status, 200);
    // The scan keeps finding work: the next operation runs as usual.
    const next = await s.newReplicate();
    const after = await s.waitFor('the next operation', async () => {
      const o = await s.ops.get(next.id);
      return o?.status === 'completed' || o?.status === 'failed' ? o : undefined;
    });
    assert.equal(after.status, 'completed', after.error ?? '');
  } finally {
    if (down) mariadb('up');
    await s.close();
  }
});
