// Transactions that lose a race (MariaDB deadlock, lock wait timeout, Galera certification
// failure) are run again from their start, the failed attempt rolled back; anything else is not
// retried; concurrent merges into one PG's resources lose none. On SQLite by default, on
// MariaDB when PROTECTOR_TEST_DB_URL names one (.ci/run's second pass).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { openDatabase, syncDatabase, transact } from '../../src/db/index.js';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { Operations } from '../../src/engine/operations.js';
import { bareProtectionGroup, concurrentMergesKeepAll, losingRaces, mysqlConflict } from '../helpers/db-conflicts.js';
import { testDatabaseUrl } from '../helpers/test-db.js';

const db = openDatabase(await testDatabaseUrl());
await syncDatabase(db);
after(() => db.destroy());

const newOp = (ops: Operations, pgId: string) => ops.create({ id: randomUUID(), project_id: 'p1', pg_id: pgId, type: 'failover', params: {}, request_id: 'r', user_id: 'u' });

test('a deadlock at the insert of a new operation: the whole transaction runs again (the PG taken once, one operation recorded)', async () => {
  const pgId = await bareProtectionGroup(db);
  const race = losingRaces('InsertQueryNode', 'operations', mysqlConflict.deadlock);
  const op = await newOp(new Operations(db.withPlugin(race)), pgId);
  assert.equal(race.seen, 2, 'tried twice');
  // Had the first attempt's update of the PG been kept, the second would have found the PG busy.
  assert.equal((await new ProtectionGroups(db).get(pgId))?.active_operation_id, op.id);
  assert.equal((await db.selectFrom('operations').select('id').where('pg_id', '=', pgId).execute()).length, 1);
});

test('a lock wait timeout while an operation ends, and a Galera certification failure while a PG record is merged: both retried to success', async () => {
  const pgId = await bareProtectionGroup(db);
  const ops = new Operations(db);
  const op = await newOp(ops, pgId);
  assert.ok(await ops.claim(op.id, 'engine-1', 60_000));
  const timeout = losingRaces('UpdateQueryNode', 'protection_groups', mysqlConflict.lockWaitTimeout, 2);
  await new Operations(db.withPlugin(timeout)).finish(op.id, 'engine-1', { status: 'completed' });
  assert.equal(timeout.seen, 3);
  assert.equal((await ops.get(op.id))?.status, 'completed');
  assert.equal((await new ProtectionGroups(db).get(pgId))?.active_operation_id, null, 'the PG freed');

  const cert = losingRaces('UpdateQueryNode', 'protection_groups', mysqlConflict.certification);
  let runs = 0;
  await new ProtectionGroups(db.withPlugin(cert)).setResources(pgId, (r) => {
    runs++;
    return { ...r, sites: { ...r.sites, b: { group_id: `${r.sites.b?.group_id ?? ''}+1` } } };
  });
  assert.equal(runs, 2, 'the merge computed again from a fresh read');
  assert.equal((await new ProtectionGroups(db).get(pgId))?.resources.sites.b?.group_id, '+1', 'applied once');
});

test('other errors are not retried, and a race lost every time gives up with its error after the attempts', async () => {
  const pgId = await bareProtectionGroup(db);
  const dup = losingRaces('InsertQueryNode', 'operations', mysqlConflict.duplicate);
  await assert.rejects(newOp(new Operations(db.withPlugin(dup)), pgId), /Duplicate entry/);
  assert.equal(dup.seen, 1);
  assert.equal((await new ProtectionGroups(db).get(pgId))?.active_operation_id, null, 'rolled back');

  const always = losingRaces('UpdateQueryNode', 'protection_groups', mysqlConflict.deadlock, Infinity);
  const waits: number[] = [];
  const tx = db.withPlugin(always);
  await assert.rejects(
    transact(tx, (t) => t.updateTable('protection_groups').set({ description: 'x' }).where('id', '=', pgId).execute(), { attempts: 4, sleep: async (ms) => void waits.push(ms) }),
    (err: Error & { errno?: number }) => err.errno === 1213,
  );
  assert.equal(always.seen, 4);
  // Random waits under a doubling bound (20, 40, 80 ms).
  assert.equal(waits.length, 3);
  waits.forEach((w, i) => assert.ok(w >= 0 && w <= 20 * 2 ** i, `wait ${i}: ${w}`));
});

test('inside a caller\'s transaction a repository joins it: a lost race is retried by the outermost transaction only, from its start', async () => {
  const pgId = await bareProtectionGroup(db);
  const race = losingRaces('UpdateQueryNode', 'protection_groups', mysqlConflict.deadlock);
  let outer = 0;
  await transact(db.withPlugin(race), async (tx) => {
    outer++;
    await new ProtectionGroups(tx).setResources(pgId, (r) => ({ ...r, sites: { ...r.sites, c: { group_id: `run-${outer}` } } }));
  });
  assert.equal(outer, 2);
  assert.equal((await new ProtectionGroups(db).get(pgId))?.resources.sites.c?.group_id, 'run-2');
});

test('40 concurrent merges into one protection group record: none lost', async () => {
  await concurrentMergesKeepAll(db, 40);
});
