import Database from 'better-sqlite3';
import { Kysely, MysqlAdapter, MysqlDialect, SqliteDialect, type Dialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createPool } from 'mysql2';
import type { Database as Schema } from './schema.js';
import { cachingStatements, PREPARED_STATEMENTS, preparedStatementPool } from './prepared.js';
import { reportingUnavailable } from './unavailable.js';

/** Which database a `[database] connection` URL names. */
export type DatabaseTarget =
  | { kind: 'sqlite'; path: string }
  | { kind: 'mysql'; host: string; port: number; user: string; password: string; database: string; socketPath?: string };

/**
 * Parses an oslo.db style URL: `sqlite:////abs/path.db`, `sqlite:///relative.db`, `sqlite://` (in
 * memory), `mysql+pymysql://user:pw@host:3306/name` (any `mysql+driver`), with
 * `?unix_socket=/path` as oslo.db takes it. Errors name what is wrong, never the password.
 */
export function parseConnection(url: string): DatabaseTarget {
  const scheme = /^([a-z0-9+]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (!scheme) throw new Error(`[database] connection: '${redactUrl(url)}' is not a URL (expected sqlite:///… or mysql+pymysql://…)`);
  if (scheme === 'sqlite') {
    const rest = url.slice('sqlite://'.length);
    if (rest === '' || rest === '/' || rest === '/:memory:') return { kind: 'sqlite', path: ':memory:' };
    // sqlite:///rel → "rel"; sqlite:////abs → "/abs", as SQLAlchemy reads them.
    return { kind: 'sqlite', path: decodeURIComponent(rest.slice(1)) };
  }
  if (scheme === 'mysql' || scheme.startsWith('mysql+')) {
    let u: URL;
    try {
      u = new URL(url.replace(/^[^:]+:/, 'mysql:'));
    } catch {
      throw new Error(`[database] connection: '${redactUrl(url)}' is not a valid URL`);
    }
    const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (!database) throw new Error(`[database] connection: '${redactUrl(url)}' names no database`);
    const socketPath = u.searchParams.get('unix_socket') ?? undefined;
    return {
      kind: 'mysql',
      host: u.hostname || 'localhost',
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database,
      ...(socketPath ? { socketPath } : {}),
    };
  }
  throw new Error(`[database] connection: unsupported database '${scheme}' (use sqlite or mysql+pymysql)`);
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

/** Opens the database a connection URL names; SQLite files are created with WAL, as cloudsim's are. */
export function openDatabase(url: string, opts: { poolSize?: number } = {}): Kysely<Schema> {
  return new Kysely<Schema>({ dialect: databaseDialect(url, opts) });
}

/** The Kysely dialect (and its connections) for a connection URL; openDatabase's, for tests that wrap it. */
export function databaseDialect(url: string, opts: { poolSize?: number } = {}): Dialect {
  const t = parseConnection(url);
  if (t.kind === 'sqlite') {
    if (t.path !== ':memory:') mkdirSync(dirname(t.path), { recursive: true });
    const db = new Database(t.path);
    if (t.path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Engines and the API may be separate processes on one file: wait for the writer's lock.
    db.pragma('busy_timeout = 5000');
    return new SqliteDialect({ database: cachingStatements(db) });
  }
  const pool = createPool({
    host: t.host,
    port: t.port,
    user: t.user,
    password: t.password,
    database: t.database,
    ...(t.socketPath ? { socketPath: t.socketPath } : {}),
    connectionLimit: opts.poolSize ?? 5,
    // BIGINT times come back as numbers; they stay far below 2^53.
    supportBigNumbers: true,
    bigNumberStrings: false,
    charset: 'utf8mb4',
    maxPreparedStatements: PREPARED_STATEMENTS,
  });
  // A server that is away surfaces as DatabaseUnavailableError (retried by the engine, a 503 from the API).
  return reportingUnavailable(new MysqlDialect({ pool: preparedStatementPool(pool) }));
}

/** Whether the database is MySQL/MariaDB (for the few statements that differ, e.g. row locks). */
export const isMysql = (url: string): boolean => parseConnection(url).kind === 'mysql';

/**
 * Whether `db` (or the transaction) speaks MySQL/MariaDB, which has row locks (`SELECT … FOR
 * UPDATE`); SQLite has none and needs none, since it admits one writer at a time. Read from the
 * executor's adapter, which a transaction shares with the instance it came from.
 */
export const locksRows = (db: Kysely<Schema>): boolean => db.getExecutor().adapter instanceof MysqlAdapter;
