import type { Kysely } from 'kysely';
import { dropIndex } from './0004-list-indexes.js';

/*
 * The services table: one row per protector-engine and protector-api process, its heartbeat
 * (`last_seen`, written every [DEFAULT] report_interval) read by `protector-manage service list`,
 * which calls a service down once it is older than service_down_time, as Nova does. A process is
 * named by host, binary and pid, so a restart in the same container (same pid) takes its row
 * back. And an index for the engines' scan of claimable operations (unfinished, oldest first),
 * which otherwise reads every operation ever recorded.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('services')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    .addColumn('binary', 'varchar(64)', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('version', 'varchar(64)', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen', 'bigint', (c) => c.notNull())
    .addColumn('stopped_at', 'bigint')
    .addUniqueConstraint('services_host_binary_pid', ['host', 'binary', 'pid'])
    .execute();
  await db.schema.createIndex('operations_status_created').on('operations').columns(['status', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropIndex(db, 'operations_status_created', 'operations');
  await db.schema.dropTable('services').execute();
}
