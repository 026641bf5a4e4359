import type BetterSqlite3 from 'better-sqlite3';
import type { MysqlPool, MysqlPoolConnection, SqliteDatabase, SqliteStatement } from 'kysely';
import type { Pool, PoolConnection } from 'mysql2';

/*
 * Statements prepared once per SQL text and reused. Kysely's drivers prepare (SQLite) or send as
 * text (MariaDB) every statement each time it runs; the application issues a few hundred
 * distinct SQL texts, so both caches are bounded and a text seen once costs what it did before.
 */

/** How many distinct statements a connection keeps prepared; the least recently used go first. */
export const PREPARED_STATEMENTS = 512;

/**
 * A better-sqlite3 database as Kysely's SqliteDialect sees it, whose `prepare` returns the
 * statement already prepared for that SQL text. Safe because the dialect runs one statement at a
 * time on its single connection (a statement is never used by two queries at once), and SQLite
 * prepares a statement again by itself when the schema changed under it.
 */
export function cachingStatements(db: BetterSqlite3.Database, max = PREPARED_STATEMENTS): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt) {
        // Re-inserted so that Map order is recency order and the first key is the coldest.
        cache.delete(sql);
      } else {
        const prepared = db.prepare(sql);
        stmt = prepared.reader ? rowObjects(prepared) : (prepared as unknown as SqliteStatement);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, stmt);
      return stmt;
    },
    close(): void {
      cache.clear();
      db.close();
    },
  };
}

/**
 * A reader statement whose rows come back as arrays (better-sqlite3's raw mode) and are made into
 * objects by a function generated once from the column names: better-sqlite3 builds each row
 * object a property at a time, which cost about as much as SQLite's lookup of a PG by id. The
 * objects are the same: the columns in order, a later column of the same name winning.
 */
export function rowObjects(stmt: BetterSqlite3.Statement): SqliteStatement {
  const names = stmt.columns().map((c) => c.name);
  // In a literal `__proto__` would set the prototype rather than a property.
  if (names.includes('__proto__')) return stmt as unknown as SqliteStatement;
  // Names are quoted by JSON.stringify: nothing in them can reach the code as code.
  const row = new Function('r', `return {${names.map((n, i) => `${JSON.stringify(n)}: r[${i}]`).join(', ')}};`) as (r: unknown[]) => Record<string, unknown>;
  stmt.raw(true);
  return {
    reader: true,
    all: (parameters) => (stmt.all(parameters) as unknown[][]).map(row),
    run: (parameters) => stmt.run(parameters),
    *iterate(parameters) {
      for (const r of stmt.iterate(parameters) as IterableIterator<unknown[]>) yield row(r);
    },
  };
}

/**
 * A mysql2 pool as Kysely's MysqlDialect sees it, whose connections run statements that carry
 * parameters as server-side prepared statements (mysql2's `execute`, cached per connection by
 * SQL text, at most `maxPreparedStatements` of the pool's config). Statements without parameters
 * (transaction control, DDL in migrations) and streams stay plain queries: the prepared protocol
 * gains nothing for them and MariaDB does not prepare every statement kind.
 */
export function preparedStatementPool(pool: Pool): MysqlPool {
  const wrapped = new WeakMap<PoolConnection, MysqlPoolConnection>();
  const wrap = (raw: PoolConnection): MysqlPoolConnection => {
    let c = wrapped.get(raw);
    if (!c) {
      c = {
        query: ((sql: string, parameters: unknown[], callback?: (error: unknown, result: unknown) => void) => {
          if (!callback) return raw.query(sql, parameters);
          if (parameters.length === 0) return void raw.query(sql, parameters, callback);
          raw.execute(sql, parameters as Parameters<PoolConnection['execute']>[1], callback);
        }) as MysqlPoolConnection['query'],
        release: () => raw.release(),
      };
      wrapped.set(raw, c);
    }
    return c;
  };
  return {
    getConnection: (callback) => pool.getConnection((err, raw) => callback(err, err ? (undefined as never) : wrap(raw))),
    end: (callback) => pool.end(callback),
  };
}
