import type { Kysely } from 'kysely';

/*
 * Each PG's replication state as an engine last read it from the arrays (link, newest recovery
 * point, lag, transfers, why a read failed), so health is answered from the database and never
 * waits on an array. One row per PG, replaced at each refresh; no foreign key, because a refresh
 * racing a PG's deletion must not fail the whole batch (rows of deleted PGs are pruned instead).
 *
 * `refresh_leases`: one row per background job several engines of a site could run; the engine
 * holding an unexpired lease does the job for that interval, the others skip it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('replication_state')
    .addColumn('pg_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('source_array', 'varchar(255)', (c) => c.notNull())
    .addColumn('target_array', 'varchar(255)', (c) => c.notNull())
    .addColumn('link', 'varchar(16)')
    .addColumn('source_reachable', 'integer')
    .addColumn('target_reachable', 'integer')
    .addColumn('lag_ms', 'bigint')
    .addColumn('newest_recovery_point', 'varchar(255)')
    .addColumn('last_transfer_at', 'bigint')
    .addColumn('transfers', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('checked_at', 'bigint', (c) => c.notNull())
    .addColumn('checked_by', 'varchar(255)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('refresh_leases')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('owner', 'varchar(255)')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('refresh_leases' as never).values({ name: 'replication_state', owner: null, expires_at: 0 } as never).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('refresh_leases').ifExists().execute();
  await db.schema.dropTable('replication_state').ifExists().execute();
}
