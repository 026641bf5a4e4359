import { Kysely } from 'kysely';
import { databaseDialect } from '../../src/db/connection.js';
import { DatabaseUnavailableError, interceptDialect } from '../../src/db/unavailable.js';
import type { Database as Schema } from '../../src/db/schema.js';

/**
 * Connections to the database `url` names (SQLite or MariaDB) that a test can take away and give
 * back, as a MariaDB restart would: while it is down every new statement (and every one on a
 * connection in use) fails with the DatabaseUnavailableError the MySQL dialect raises for a
 * refused connection. Other connections to the same database are not affected.
 */
export function outageDatabase(url: string): { db: Kysely<Schema>; down(): void; up(): void; readonly isDown: boolean } {
  let isDown = false;
  const dialect = interceptDialect(databaseDialect(url), async (work) => {
    if (isDown) throw new DatabaseUnavailableError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306 (test outage)'), { code: 'ECONNREFUSED', fatal: true }));
    return work();
  });
  return {
    db: new Kysely<Schema>({ dialect }),
    down: () => void (isDown = true),
    up: () => void (isDown = false),
    get isDown() {
      return isDown;
    },
  };
}

/** A logger for DependencyWatch and friends that keeps what it is told. */
export function captureLog(): { warn(o: Record<string, unknown>, m: string): void; info(o: Record<string, unknown>, m: string): void; lines: { level: string; msg: string; obj: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  return {
    lines,
    warn: (obj, msg) => void lines.push({ level: 'warn', msg, obj }),
    info: (obj, msg) => void lines.push({ level: 'info', msg, obj }),
  };
}
