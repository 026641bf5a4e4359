// The database layer on a real MariaDB (.ci/run starts one and sets PROTECTOR_TEST_MYSQL_URL).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exerciseMigrations } from '../helpers/db.js';

const url = process.env.PROTECTOR_TEST_MYSQL_URL;

test('db sync creates the schema on MariaDB, once, and db version reports it', async () => {
  assert.ok(url, 'PROTECTOR_TEST_MYSQL_URL must name an empty MariaDB database (mysql+pymysql://user:pw@127.0.0.1:PORT/db)');
  await exerciseMigrations(url);
});
