import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBus, DbBus } from '../../src/bus/index.js';
import { openDatabase, syncDatabase } from '../../src/db/index.js';
import { exerciseBus } from '../helpers/bus.js';
import { testDatabaseUrl } from '../helpers/test-db.js';

const url = await testDatabaseUrl();

test('the database bus delivers each message to exactly one engine, even across processes sharing the file', async () => {
  const d1 = openDatabase(url);
  await syncDatabase(d1);
  // A second connection stands in for a second engine process.
  const d2 = openDatabase(url);
  const a = new DbBus(d1, { owner: 'engine-a', pollMs: 10 });
  const b = new DbBus(d2, { owner: 'engine-b', pollMs: 10 });
  try {
    await exerciseBus(a, b, 'protector.operations');
    const left = await d1.selectFrom('bus_messages').select('id').execute();
    assert.deepEqual(left, [], 'handled messages are removed');
  } finally {
    await a.close();
    await b.close();
    await d1.destroy();
    await d2.destroy();
  }
});

test('createBus picks the driver from transport_url and names a wrong one', async () => {
  const db = openDatabase('sqlite://');
  const bus = await createBus({ transportUrl: '', db, owner: 'x', pollMs: 10 });
  assert.equal(bus.driver, 'db');
  await bus.close();
  await assert.rejects(createBus({ transportUrl: 'kafka://h:9092', db, owner: 'x', pollMs: 10 }), /unsupported transport 'kafka'/);
  await db.destroy();
});
