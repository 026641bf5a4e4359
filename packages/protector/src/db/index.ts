export { databaseDialect, openDatabase, parseConnection, redactUrl, isMysql, type DatabaseTarget } from './connection.js';
export { syncDatabase, databaseVersion, checkDatabaseVersion, LATEST_VERSION } from './migrate.js';
export type * from './schema.js';
export { DatabaseUnavailableError, isDatabaseUnavailable } from './unavailable.js';
