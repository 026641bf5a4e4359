import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';

/**
 * The database could not be reached or dropped the connection (server stopped, restarting,
 * network gone): nothing is wrong with the query, so callers retry later (the engine) or answer
 * 503 (the API). `status` makes the API's error handling and logging treat it as a dependency
 * outage rather than a bug.
 */
export class DatabaseUnavailableError extends Error {
  readonly status = 503;
  readonly code = 'DatabaseUnavailable';
  constructor(cause: unknown) {
    super(`the database is unreachable (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

export const isDatabaseUnavailable = (err: unknown): err is DatabaseUnavailableError => err instanceof DatabaseUnavailableError;

/** mysql2 marks every error that ends a connection `fatal`; these server answers mean "not now" too. */
const UNAVAILABLE_CODES = new Set(['ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR', 'ER_CONNECTION_KILLED', 'PROTOCOL_CONNECTION_LOST', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/** Whether a MySQL/MariaDB driver error means the server is out of reach (rather than the statement being wrong). */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { fatal?: boolean; code?: string };
  return e.fatal === true || (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code));
}

const translate = (err: unknown): unknown => (isConnectionError(err) ? new DatabaseUnavailableError(err) : err);

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw translate(err);
  }
}

/** A pooled connection whose failures are translated; the driver is handed its inner connection back. */
class GuardedConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return guarded(() => this.inner.executeQuery<R>(query));
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

const innerOf = (c: DatabaseConnection): DatabaseConnection => (c instanceof GuardedConnection ? c.inner : c);

class GuardedDriver implements Driver {
  constructor(private readonly driver: Driver) {}
  init(): Promise<void> {
    return guarded(() => this.driver.init());
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new GuardedConnection(await guarded(() => this.driver.acquireConnection()));
  }
  beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return guarded(() => this.driver.beginTransaction(innerOf(c), settings));
  }
  commitTransaction(c: DatabaseConnection): Promise<void> {
    return guarded(() => this.driver.commitTransaction(innerOf(c)));
  }
  rollbackTransaction(c: DatabaseConnection): Promise<void> {
    return guarded(() => this.driver.rollbackTransaction(innerOf(c)));
  }
  releaseConnection(c: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(innerOf(c));
  }
  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}

/**
 * The dialect with its connection failures raised as DatabaseUnavailableError, so every caller
 * (repositories, the engine, the API) can tell "the database is away" from "this statement failed"
 * without knowing the driver's error codes.
 */
export function reportingUnavailable(dialect: Dialect): Dialect {
  return {
    createDriver: () => new GuardedDriver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
