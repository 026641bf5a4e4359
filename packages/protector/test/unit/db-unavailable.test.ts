// A database that is away is told apart from a statement that is wrong: the MySQL dialect raises
// DatabaseUnavailableError for the first (retried by the engine, a 503 from the API), and lets
// every other error through as it is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { DatabaseUnavailableError, isDatabaseUnavailable, openDatabase } from '../../src/db/index.js';
import { isConnectionError, reportingUnavailable } from '../../src/db/unavailable.js';
import { closedPort } from '../helpers/closed-port.js';

test('a MariaDB that refuses connections surfaces as DatabaseUnavailableError, in statements and transactions alike', async () => {
  const db = openDatabase(`mysql+pymysql://protector:pw@127.0.0.1:${await closedPort()}/protector`);
  try {
    const err = await sql`SELECT 1`.execute(db).catch((e: unknown) => e);
    assert.ok(isDatabaseUnavailable(err), String(err));
    assert.equal(err.status, 503);
    assert.match(err.message, /^the database is unreachable \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/);
    assert.equal((err.cause as { code?: string }).code, 'ECONNREFUSED');
    await assert.rejects(db.transaction().execute(async (tx) => sql`SELECT 1`.execute(tx)), DatabaseUnavailableError);
    await assert.rejects(db.selectFrom('sites').select('id').execute(), DatabaseUnavailableError);
  } finally {
    await db.destroy();
  }
});

test('errors of the statement itself pass through untouched', async () => {
  const db = new Kysely<Record<string, never>>({ dialect: reportingUnavailable(new SqliteDialect({ database: new Database(':memory:') })) });
  try {
    const err = await sql`SELECT * FROM no_such_table`.execute(db).catch((e: unknown) => e);
    assert.ok(err instanceof Error && !isDatabaseUnavailable(err));
    assert.match(err.message, /no such table/);
    assert.deepEqual((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows, [{ one: 1 }]);
  } finally {
    await db.destroy();
  }
});

test('which driver errors mean "the server is out of reach"', () => {
  const e = (props: Record<string, unknown>) => Object.assign(new Error('x'), props);
  assert.ok(isConnectionError(e({ fatal: true, code: 'PROTOCOL_CONNECTION_LOST' })), 'mysql2 marks connection-ending errors fatal');
  assert.ok(isConnectionError(e({ code: 'ER_SERVER_SHUTDOWN' })), 'a server shutting down');
  assert.ok(isConnectionError(e({ code: 'ECONNRESET' })));
  assert.ok(!isConnectionError(e({ code: 'ER_DUP_ENTRY', errno: 1062 })), 'a duplicate key is the statement’s');
  assert.ok(!isConnectionError(e({ code: 'ER_PARSE_ERROR' })));
  assert.ok(!isConnectionError('ECONNREFUSED'), 'only errors');
});
