export { databaseDialect, openDatabase, parseConnection, redactUrl, isMysql, locksRows, type DatabaseTarget } from './connection.js';
export { syncDatabase, databaseVersion, checkDatabaseVersion, LATEST_VERSION } from './migrate.js';
export type * from './schema.js';
export { DatabaseUnavailableError, isDatabaseUnavailable } from './unavailable.js';
export { isRetryableConflict, retryOnConflict, transact, type ConflictRetryOptions } from './retry.js';
