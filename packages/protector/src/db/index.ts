export { openDatabase, parseConnection, redactUrl, isMysql, type DatabaseTarget } from './connection.js';
export { syncDatabase, databaseVersion, checkDatabaseVersion, LATEST_VERSION } from './migrate.js';
export type * from './schema.js';
