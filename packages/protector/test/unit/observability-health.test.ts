import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runHealthChecks } from '../../src/observability/health.js';

test('all passing checks give ok', async () => {
  const report = await runHealthChecks({ database: async () => 'pong', bus: async () => undefined }, { timeoutMs: 200 });
  assert.deepEqual(report, { status: 'ok', checks: { database: 'ok', bus: 'ok' } });
});

test('a rejecting or throwing check is named as failed; the error goes to onFailure only', async () => {
  const seen: string[] = [];
  const report = await runHealthChecks(
    {
      database: async () => {
        throw new Error('SQLITE_CANTOPEN /var/lib/protector/protector.db');
      },
      bus: () => {
        throw new Error('sync throw');
      },
      storage: async () => true,
    },
    { timeoutMs: 200, onFailure: (name, result) => seen.push(`${name}:${result}`) },
  );
  assert.equal(report.status, 'failed');
  assert.deepEqual(report.checks, { database: 'failed', bus: 'failed', storage: 'ok' });
  assert.deepEqual(report.failed, ['database', 'bus']);
  assert.deepEqual(seen.sort(), ['bus:failed', 'database:failed']);
  assert.ok(!JSON.stringify(report).includes('SQLITE'));
});

test('a hanging check times out, is aborted, and does not delay the others', async () => {
  let aborted = false;
  const started = Date.now();
  const report = await runHealthChecks(
    {
      database: (signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
      bus: async () => undefined,
    },
    { timeoutMs: 100 },
  );
  const elapsed = Date.now() - started;
  assert.deepEqual(report, { status: 'failed', checks: { database: 'timeout', bus: 'ok' }, failed: ['database'] });
  assert.ok(aborted, 'the check was told to stop');
  assert.ok(elapsed >= 90 && elapsed < 1000, `took ${elapsed} ms`);
});
