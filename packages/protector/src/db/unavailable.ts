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

/** Runs every call a driver makes to the database (acquire, statement, begin, commit, rollback). */
export type AroundCall = <T>(work: () => Promise<T>) => Promise<T>;

/** A pooled connection whose statements go through `around`; the driver is handed its inner connection back. */
class InterceptedConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly around: AroundCall,
  ) {}
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.around(() => this.inner.executeQuery<R>(query));
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

const innerOf = (c: DatabaseConnection): DatabaseConnection => (c instanceof InterceptedConnection ? c.inner : c);

class InterceptedDriver implements Driver {
  constructor(
    private readonly driver: Driver,
    private readonly around: AroundCall,
  ) {}
  init(): Promise<void> {
    return this.around(() => this.driver.init());
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new InterceptedConnection(await this.around(() => this.driver.acquireConnection()), this.around);
  }
  beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.around(() => this.driver.beginTransaction(innerOf(c), settings));
  }
  commitTransaction(c: DatabaseConnection): Promise<void> {
    return this.around(() => this.driver.commitTransaction(innerOf(c)));
  }
  rollbackTransaction(c: DatabaseConnection): Promise<void> {
    return this.around(() => this.driver.rollbackTransaction(innerOf(c)));
  }
  releaseConnection(c: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(innerOf(c));
  }
  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}

/** The dialect with every call its driver makes to the database run through `around`. */
export function interceptDialect(dialect: Dialect, around: AroundCall): Dialect {
  return {
    createDriver: () => new InterceptedDriver(dialect.createDriver(), around),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}

/**
 * The dialect with its connection failures raised as DatabaseUnavailableError, so every caller
 * (repositories, the engine, the API) can tell "the database is away" from "this statement failed"
 * without knowing the driver's error codes.
 */
export function reportingUnavailable(dialect: Dialect): Dialect {
  return interceptDialect(dialect, async (work) => {
    try {
      return await work();
    } catch (err) {
      throw translate(err);
    }
  });
}
