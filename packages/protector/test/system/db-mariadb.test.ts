// The database layer on a real MariaDB (.ci/run starts one and sets PROTECTOR_TEST_MYSQL_URL).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase, syncDatabase } from '../../src/db/index.js';
import { exerciseMigrations } from '../helpers/db.js';
import { concurrentMergesKeepAll } from '../helpers/db-conflicts.js';
import { freshMysqlDatabase } from '../helpers/test-db.js';

const url = process.env.PROTECTOR_TEST_MYSQL_URL;

test('db sync creates the schema on MariaDB, once, and db version reports it', async () => {
  assert.ok(url, 'PROTECTOR_TEST_MYSQL_URL must name an empty MariaDB database (mysql+pymysql://user:pw@127.0.0.1:PORT/db)');
  await exerciseMigrations(url);
});

test('100 concurrent merges into one protection group record over 20 connections: the row lock keeps every one', async () => {
  assert.ok(url, 'PROTECTOR_TEST_MYSQL_URL must name a MariaDB database');
  // Enough connections that the merges really run at once (a plain read would lose some).
  const db = openDatabase(await freshMysqlDatabase(url), { poolSize: 20 });
  try {
    await syncDatabase(db);
    await concurrentMergesKeepAll(db, 100);
  } finally {
    await db.destroy();
  }
});
