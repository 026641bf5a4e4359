// Which database errors are a lost race worth running the transaction again for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatabaseUnavailableError, isRetryableConflict, retryOnConflict } from '../../src/db/index.js';
import { mysqlConflict } from '../helpers/db-conflicts.js';

const withCode = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);

test('MariaDB deadlocks, lock wait timeouts, Galera certification failures and a node not ready, and SQLite busy snapshots are retried', () => {
  for (const err of [
    mysqlConflict.deadlock(),
    mysqlConflict.lockWaitTimeout(),
    mysqlConflict.certification(),
    withCode('Record has changed since last read in table \'operations\'', { errno: 1020, code: 'ER_CHECKREAD' }),
    withCode('WSREP has not yet prepared node for application use', { errno: 1047, code: 'ER_UNKNOWN_COM_ERROR' }),
    withCode('database is locked', { code: 'SQLITE_BUSY' }),
    withCode('database is locked', { code: 'SQLITE_BUSY_SNAPSHOT' }),
    // Raised without the numeric code (another driver): the symbolic one is enough.
    withCode('Deadlock found when trying to get lock', { code: 'ER_LOCK_DEADLOCK' }),
  ]) {
    assert.equal(isRetryableConflict(err), true, err.message);
  }
});

test('everything else is not: a duplicate key, an unknown command, a lost connection, a syntax error, a non-error', () => {
  for (const err of [
    mysqlConflict.duplicate(),
    withCode('Unknown command', { errno: 1047, code: 'ER_UNKNOWN_COM_ERROR' }),
    new DatabaseUnavailableError(new Error('connect ECONNREFUSED')),
    withCode('near "FOR": syntax error', { code: 'SQLITE_ERROR' }),
    new Error('Deadlock found when trying to get lock'),
  ]) {
    assert.equal(isRetryableConflict(err), false, err.message);
  }
  assert.equal(isRetryableConflict({ errno: 1213 }), false);
  assert.equal(isRetryableConflict(undefined), false);
});

test('retryOnConflict: tries again after each lost race, says so, and returns the first success', async () => {
  const failures = [mysqlConflict.deadlock(), mysqlConflict.certification()];
  const retried: number[] = [];
  let calls = 0;
  const r = await retryOnConflict(
    async () => {
      calls++;
      const next = failures.shift();
      if (next) throw next;
      return 'done';
    },
    { sleep: async () => {}, onRetry: (_err, attempt) => void retried.push(attempt) },
  );
  assert.equal(r, 'done');
  assert.equal(calls, 3);
  assert.deepEqual(retried, [1, 2]);
});
