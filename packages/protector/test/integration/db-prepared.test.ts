// Statements prepared once per SQL text (db/prepared.ts) and queries compiled once
// (db/compiled.ts): reused, bounded, and answering exactly what the query built each time would.
// On SQLite, and on MariaDB when PROTECTOR_TEST_DB_URL names one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, sql, type CompiledQuery } from 'kysely';
import { CompiledRead } from '../../src/db/compiled.js';
import { databaseDialect, isMysql, openDatabase, syncDatabase, type Database as Schema } from '../../src/db/index.js';
import { cachingStatements, rowObjects } from '../../src/db/prepared.js';
import { testDatabaseUrl } from '../helpers/test-db.js';

test('SQLite statements: one prepared statement per SQL text, the least recently used dropped beyond the bound', () => {
  const raw = new Database(':memory:');
  let prepared = 0;
  const counting = new Proxy(raw, { get: (t, k) => (k === 'prepare' ? (s: string) => (prepared++, t.prepare(s)) : Reflect.get(t, k)) });
  const db = cachingStatements(counting, 2);
  const a = db.prepare('select 1 as a');
  assert.equal(db.prepare('select 1 as a'), a, 'the same statement again');
  assert.deepEqual(a.all([]), [{ a: 1 }]);
  db.prepare('select 2 as b');
  db.prepare('select 1 as a'); // a is now the most recent: b goes first
  db.prepare('select 3 as c');
  assert.equal(prepared, 3);
  assert.equal(db.prepare('select 1 as a'), a, 'still cached');
  db.prepare('select 2 as b');
  assert.equal(prepared, 4, 'b was dropped and is prepared again');
  db.close();
  assert.equal(raw.open, false);
});

test('SQLite rows made from raw arrays: the objects better-sqlite3 makes, keys in order, for every column name', () => {
  const raw = new Database(':memory:');
  raw.exec(`create table t (id text primary key, "x""y" integer, "a b" real, n text, blob blob); insert into t values ('r1', 1, 1.5, null, x'0102'), ('r2', 2, 2.5, 'two', null)`);
  const queries = [
    'select * from t order by id',
    'select id, id as "ID", 1 as a, 2 as a from t order by id',
    'select id as "constructor", "x""y" as "toString", n as "__proto__" from t order by id',
    "select * from t where id = 'none'",
    'insert into t (id) values (\'r3\') returning *',
  ];
  for (const q of queries) {
    const expected = raw.prepare(q).all() as Record<string, unknown>[];
    if (q.startsWith('insert')) raw.exec("delete from t where id = 'r3'");
    const got = rowObjects(raw.prepare(q)).all([]) as Record<string, unknown>[];
    assert.deepEqual(got, expected, q);
    assert.deepEqual(got.map((r) => Object.keys(r)), expected.map((r) => Object.keys(r)), `${q}: keys in order`);
    // (better-sqlite3 itself sets the prototype for a `__proto__` column, which is kept as it was.)
    if (!q.includes('__proto__')) assert.ok(got.every((r) => Object.getPrototypeOf(r) === Object.prototype), `${q}: plain objects`);
    if (q.startsWith('select')) assert.deepEqual([...rowObjects(raw.prepare(q)).iterate([])], expected, `${q} (iterated)`);
  }
  // Through the cache, with parameters, as Kysely's dialect calls it.
  const db = cachingStatements(raw);
  assert.deepEqual(db.prepare('select id, n from t where id = ?').all(['r2']), [{ id: 'r2', n: 'two' }]);
  assert.equal(db.prepare("update t set n = 'x' where id = ?").run(['r1']).changes, 1);
  db.close();
});

test('a compiled read: built once per database, arguments in their places, fixed values kept', async () => {
  const statements: CompiledQuery[] = [];
  const db = new Kysely<Schema>({ dialect: databaseDialect(await testDatabaseUrl()), log: (e) => void statements.push(e.query) });
  try {
    await syncDatabase(db);
    const now = Date.now();
    const site = (id: string, name: string, isLocal: number) => ({ id, name, description: '', is_local: isLocal, auth_url: 'http://k/v3', region_name: 'RegionOne', credentials: '{}', array_config: '{}', pairing: null, created_at: now, updated_at: now });
    await db.insertInto('sites').values([site('s1', 'a', 1), site('s2', 'b', 0), site('s3', 'c', 0)]).execute();
    let builds = 0;
    // Arguments in the opposite order to their columns, and a value fixed at build time.
    const read = new CompiledRead<Schema, [string, string], { id: string }>(2, (k, name, id) => {
      builds++;
      return k.selectFrom('sites').select('id').where('is_local', '=', 0).where('id', '=', id).where('name', '=', name);
    });
    assert.deepEqual(await read.rows(db, 'b', 's2'), [{ id: 's2' }]);
    assert.deepEqual(await read.rows(db, 'c', 's3'), [{ id: 's3' }]);
    assert.deepEqual(await read.rows(db, 'a', 's1'), [], 'is_local = 0 stays in the statement');
    assert.deepEqual(await read.rows(db, 'b', 's3'), []);
    assert.equal(builds, 1);
    assert.equal(new Set(statements.slice(-4).map((s) => s.sql)).size, 1, 'one statement text, so the driver prepares it once');
    assert.deepEqual(statements.at(-1)?.parameters, [0, 's3', 'b']);
    const unused = new CompiledRead<Schema, [string], { id: string }>(1, (k) => k.selectFrom('sites').select('id'));
    await assert.rejects(unused.rows(db, 'x'), /argument 0 is not a parameter/);
  } finally {
    await db.destroy();
  }
});

const url = await testDatabaseUrl();

test('MariaDB: statements with parameters run as server-side prepared statements, prepared once per connection', { skip: !isMysql(url) && 'MariaDB only (PROTECTOR_TEST_DB_URL)' }, async () => {
  // One connection, so the session's counters are this test's.
  const db = openDatabase(url, { poolSize: 1 });
  try {
    await syncDatabase(db);
    const counters = async () => {
      const rows = (await sql<{ Variable_name: string; Value: string }>`SHOW SESSION STATUS WHERE Variable_name IN ('Com_stmt_prepare', 'Com_stmt_execute')`.execute(db)).rows;
      return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
    };
    const before = await counters();
    for (let i = 0; i < 5; i++) await db.selectFrom('sites').select('id').where('name', '=', `site-${i}`).execute();
    const after = await counters();
    assert.equal(after.Com_stmt_execute! - before.Com_stmt_execute!, 5);
    assert.equal(after.Com_stmt_prepare! - before.Com_stmt_prepare!, 1);
  } finally {
    await db.destroy();
  }
});
