// A process's heartbeat in the services table: recorded at start, refreshed every interval,
// recorded again if its row is deleted, marked stopped by a graceful stop, and a failure to
// write it reported without stopping it.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openDatabase, syncDatabase } from '../../src/db/index.js';
import { Services } from '../../src/db/services.js';
import { startHeartbeat } from '../../src/service/heartbeat.js';
import { eventually } from '../helpers/bus.js';
import { testDatabaseUrl } from '../helpers/test-db.js';

const db = openDatabase(await testDatabaseUrl());
await syncDatabase(db);
after(() => db.destroy());

const me = { host: 'node-hb', binary: 'protector-engine' as const, pid: 4242, version: '0.1.0' };
const row = () => db.selectFrom('services').selectAll().where('host', '=', me.host).executeTakeFirst();

test('recorded at start, refreshed each interval, recorded again once deleted, down at once after a graceful stop; a restart with the same pid takes its row back', async () => {
  const watch = { time: () => Date.now(), ok: () => {}, failed: () => assert.fail('no outage here') };
  const errors: unknown[] = [];
  let hb = startHeartbeat(db, me, { intervalMs: 20, watch, onError: (e) => errors.push(e) });
  await eventually(async () => (await row()) !== undefined, 'the row');
  const first = (await row())!;
  await eventually(async () => (await row())!.last_seen > first.last_seen, 'a later heartbeat');
  await db.deleteFrom('services').where('id', '=', first.id).execute();
  await eventually(async () => (await row()) !== undefined, 'the row recorded again');
  await hb.stop();
  const stopped = (await row())!;
  assert.notEqual(stopped.stopped_at, null);
  assert.deepEqual((await new Services(db).list(60_000)).filter((s) => s.host === me.host).map((s) => s.state), ['down']);

  hb = startHeartbeat(db, me, { intervalMs: 20, watch, onError: (e) => errors.push(e) });
  await eventually(async () => (await row())?.stopped_at === null, 'the same row up again');
  assert.equal((await db.selectFrom('services').select('id').where('host', '=', me.host).execute()).length, 1);
  await hb.stop(false);
  assert.equal((await row())?.stopped_at, null, 'stop(false), as a killed process: left to age');
  assert.deepEqual(errors, []);
});

test('a heartbeat the database refuses is reported, and the next one is tried all the same', async () => {
  const broken = openDatabase(await testDatabaseUrl());
  const errors: string[] = [];
  const watch = { time: () => Date.now(), ok: () => {}, failed: () => {} };
  // No schema yet: every write fails, as with a database not synced.
  const hb = startHeartbeat(broken, { ...me, host: 'node-broken' }, { intervalMs: 20, watch, onError: (e) => errors.push(String(e)) });
  await eventually(() => errors.length >= 2, 'two failed heartbeats');
  assert.match(errors[0]!, /services/);
  await syncDatabase(broken);
  await eventually(async () => (await broken.selectFrom('services').select('id').execute()).length === 1, 'recorded once the table exists');
  await hb.stop();
  await broken.destroy();
});
