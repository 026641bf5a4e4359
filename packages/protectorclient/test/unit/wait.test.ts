// --wait against a site that stops answering: the SDK's waitForOperation polls on through refused
// connections and 502/503/504 (backing off, on a virtual clock here) for a bounded budget, and
// the CLI's follow() gives up with exit 6 and a message naming the operation and the commands
// to follow and sync it. A fake fetch stands in for the site; the SDK's HTTP stack runs for real.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OperationSiteUnreachableError, OperationWaitTimeoutError, ProtectorApiError, waitForOperation } from '../../src/api/index.js';
import { follow } from '../../src/cli/coordinate.js';
import { CliContext } from '../../src/cli/context.js';
import { explain } from '../../src/cli/main.js';
import { progressPrinter } from '../../src/cli/progress.js';
import { answerOp, fakeSite, operation, type FakeAnswer } from '../helpers/fake-site.js';

const OP = '0b5e0000-0000-4000-8000-000000000001';

/** A virtual clock: sleeping advances it, and every pause is recorded. */
function clock() {
  let t = 0;
  const pauses: number[] = [];
  return { now: () => t, sleep: async (ms: number) => void (pauses.push(ms), (t += ms)), pauses };
}

/** Answers in order; the last one repeats. */
const script = (answers: FakeAnswer[]) => {
  let i = 0;
  return () => answers[Math.min(i++, answers.length - 1)]!;
};

/** Runs `fn` with stderr captured. */
async function withStderr<T>(fn: () => Promise<T>): Promise<{ stderr: string; result: T | undefined; error: unknown }> {
  const write = process.stderr.write.bind(process.stderr);
  const out = { stderr: '', result: undefined as T | undefined, error: undefined as unknown };
  process.stderr.write = ((chunk: string | Uint8Array) => ((out.stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    out.result = await fn();
  } catch (err) {
    out.error = err;
  } finally {
    process.stderr.write = write;
  }
  return out;
}

test('refused, reset, then answers: the wait goes on, says once that the site stopped and once that it is back', async () => {
  const { site, paths } = fakeSite('site-b', script(['refused', 'reset', 'refused', answerOp(operation(OP, 'running', [['boot', 'running']])), answerOp(operation(OP, 'completed', [['boot', 'completed']]))]));
  const c = clock();
  const events: string[] = [];
  const done = await waitForOperation(site.client.operations, OP, {
    intervalMs: 500,
    unreachableMs: 60_000,
    ...c,
    onUnreachable: (e) => events.push(`down: ${e.reason} (budget ${e.budgetMs})`),
    onReachable: (e) => events.push(`back after ${e.downMs}`),
    onProgress: (op) => events.push(op.status),
  });
  assert.equal(done.status, 'completed');
  assert.deepEqual(events, ['down: connection refused (budget 60000)', 'back after 3500', 'running', 'completed']);
  // Back-off while down (500, 1000, 2000), then the normal interval.
  assert.deepEqual(c.pauses, [500, 1000, 2000, 500]);
  assert.equal(paths.length, 5);
});

test('503s until the budget is spent: OperationSiteUnreachableError naming the operation, its last status and the cause; polls back off to the cap', async () => {
  const answers: FakeAnswer[] = [answerOp(operation(OP, 'running', [['boot', 'running']])), { status: 503 }];
  const { site, paths } = fakeSite('site-b', script(answers));
  const c = clock();
  const down: string[] = [];
  await assert.rejects(
    waitForOperation(site.client.operations, OP, { intervalMs: 500, unreachableMs: 30_000, maxBackoffMs: 8000, ...c, onUnreachable: (e) => down.push(e.reason) }),
    (err: unknown) => {
      assert.ok(err instanceof OperationSiteUnreachableError, String(err));
      assert.equal(err.operationId, OP);
      assert.equal(err.lastStatus, 'running');
      assert.equal(err.downMs, 30_000);
      assert.match(err.message, new RegExp(`^Operation ${OP} \\(last seen running\\) could not be followed: its site did not answer for 30 s \\(HTTP 503 answered 503\\)`));
      return true;
    },
  );
  assert.equal(down.length, 1, 'said once');
  // The first pause is the normal interval after the answer; then 500, 1000, 2000, 4000, 8000, 8000… up to the budget's end.
  assert.deepEqual(c.pauses, [500, 500, 1000, 2000, 4000, 8000, 8000, 6500]);
  assert.equal(paths.length, 9, 'bounded: one poll per pause, and the last at the end of the budget');
});

test('502 and 504 count as a site restarting too; a 404 or 500 ends the wait at once', async () => {
  for (const status of [502, 504]) {
    const { site } = fakeSite('site-b', script([{ status }, answerOp(operation(OP, 'completed'))]));
    assert.equal((await waitForOperation(site.client.operations, OP, { intervalMs: 10, ...clock() })).status, 'completed', String(status));
  }
  for (const status of [404, 500]) {
    const { site, paths } = fakeSite('site-b', script([{ status }, answerOp(operation(OP, 'completed'))]));
    await assert.rejects(waitForOperation(site.client.operations, OP, { intervalMs: 10, ...clock() }), (e: unknown) => e instanceof ProtectorApiError && e.status === status);
    assert.equal(paths.length, 1, `${status}: not polled again`);
  }
});

test('the wait timeout also bounds a site that does not answer', async () => {
  const { site } = fakeSite('site-b', () => 'refused');
  await assert.rejects(waitForOperation(site.client.operations, OP, { intervalMs: 1000, timeoutMs: 5000, unreachableMs: 60_000, ...clock() }), (e: unknown) => e instanceof OperationWaitTimeoutError && e.lastStatus === 'unknown');
});

test('protector --wait: a site answering 503 until --wait-unreachable is spent exits 6 naming the operation and the commands to follow and sync it', async () => {
  const { site } = fakeSite('site-b-demo', script([answerOp(operation(OP, 'running', [['precheck', 'completed'], ['boot', 'running']])), { status: 503 }]));
  const ctx = new CliContext({ waitUnreachable: 1 }, {});
  const r = await withStderr(() => follow(ctx, site, operation(OP, 'pending'), { pgRef: 'app' }));
  const { message, code } = explain(r.error, false);
  assert.equal(code, 6);
  assert.equal(
    message,
    `stopped following operation ${OP} (test_failover, last seen running) on site-b-demo: site-b-demo did not answer for 1 s (HTTP 503 answered 503; --wait-unreachable 1). ` +
      `It may go on there: run 'protector --os-cloud site-b-demo operation show ${OP}' to follow it, and once it has finished 'protector protection-group sync app' to store its result on both sites`,
  );
  const lines = r.stderr.trimEnd().split('\n');
  assert.deepEqual(lines, [
    'test_failover 0b5e0000: step 1 precheck completed 1.0 s',
    'test_failover 0b5e0000: step 2 boot running',
    'test_failover 0b5e0000: site-b-demo stopped answering (HTTP 503 answered 503); still following it for up to 1 s',
  ]);
});

test('protector --wait: refused while protector-api restarts, then the operation completes: exit 0, one line each way', async () => {
  const { site } = fakeSite('site-b-demo', script([answerOp(operation(OP, 'running', [['boot', 'running']])), 'refused', 'refused', answerOp(operation(OP, 'completed', [['boot', 'completed']]))]));
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    const r = await withStderr(() => follow(new CliContext({}, {}), site, operation(OP, 'pending'), { pgRef: 'app' }));
    assert.equal(r.error, undefined);
    assert.equal(r.result?.status, 'completed');
    assert.equal(process.exitCode, undefined, 'exit 0');
    assert.match(r.stderr, /^test_failover 0b5e0000: site-b-demo stopped answering \(connection refused\); still following it for up to 300 s$/m);
    assert.match(r.stderr, /^test_failover 0b5e0000: site-b-demo answers again after \d+\.\d s$/m);
    assert.equal(r.stderr.match(/stopped answering/g)?.length, 1);
  } finally {
    process.exitCode = saved;
  }
});

test('plain progress says a step still runs every 15 s without news (a transfer over a dead link is not silence)', () => {
  let t = 0;
  let out = '';
  const stream = { isTTY: false, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  const p = progressPrinter({ id: OP, type: 'replicate' }, 'site-a', stream, { now: () => t });
  const running = operation(OP, 'running', [['snapshot', 'completed'], ['wait_for_transfer', 'running']], { type: 'replicate' });
  running.steps[1]!.detail = { progress: 0.25 };
  p.onProgress(running);
  p.onPoll(running);
  t = 14_000;
  p.onPoll(running);
  t = 15_000;
  p.onPoll(running);
  t = 16_000;
  p.onPoll(running);
  assert.deepEqual(out.trimEnd().split('\n'), [
    'replicate 0b5e0000: step 1 snapshot completed 1.0 s',
    'replicate 0b5e0000: step 2 wait_for_transfer running',
    'replicate 0b5e0000: step 2 wait_for_transfer still running after 15 s 25%',
  ]);
});
