import type { Kysely } from 'kysely';

/*
 * Migrations take Kysely<unknown>: they must not depend on today's schema types, which describe
 * the newest version. Column types are the portable subset of SQLite and MariaDB: varchar for
 * anything indexed (MariaDB cannot index TEXT without a prefix), text for JSON, bigint for times.
 */

const id = 'varchar(36)';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sites')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('description', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('is_local', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('auth_url', 'varchar(255)', (c) => c.notNull())
    .addColumn('region_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('credentials', 'text', (c) => c.notNull())
    .addColumn('array_config', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('tenant_mappings')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('local_project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('remote_site_id', id, (c) => c.notNull().references('sites.id'))
    .addColumn('remote_project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('description', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('tenant_mappings_local_remote', ['local_project_id', 'remote_site_id'])
    .execute();

  await db.schema
    .createTable('protection_groups')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('replication_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('primary_site_id', id, (c) => c.notNull())
    .addColumn('secondary_site_id', id, (c) => c.notNull())
    .addColumn('current_primary_site_id', id, (c) => c.notNull())
    .addColumn('metadata_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('sync_state', 'varchar(16)', (c) => c.notNull())
    .addColumn('active_operation_id', id)
    .addColumn('resources', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('protection_groups_project_name', ['project_id', 'name'])
    .execute();

  await db.schema
    .createTable('members')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('pg_id', id, (c) => c.notNull().references('protection_groups.id').onDelete('cascade'))
    .addColumn('server_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('boot_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('members_pg_server', ['pg_id', 'server_id'])
    .execute();

  await db.schema
    .createTable('replication_policies')
    .addColumn('pg_id', id, (c) => c.primaryKey().references('protection_groups.id').onDelete('cascade'))
    .addColumn('interval_minutes', 'integer', (c) => c.notNull())
    .addColumn('rpo_minutes', 'integer', (c) => c.notNull())
    .addColumn('retention', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('resource_mappings')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('pg_id', id, (c) => c.references('protection_groups.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('source_site_id', id, (c) => c.notNull())
    .addColumn('source_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('target_id', 'varchar(255)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('resource_mappings_pg').on('resource_mappings').columns(['pg_id', 'kind']).execute();

  await db.schema
    .createTable('operations')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('pg_id', id)
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('request_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('lease_owner', 'varchar(255)')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('operations_project').on('operations').columns(['project_id', 'created_at']).execute();
  await db.schema.createIndex('operations_pg_status').on('operations').columns(['pg_id', 'status']).execute();

  await db.schema
    .createTable('operation_steps')
    .addColumn('operation_id', id, (c) => c.notNull().references('operations.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('duration_ms', 'bigint')
    .addPrimaryKeyConstraint('operation_steps_pk', ['operation_id', 'seq'])
    .execute();

  await db.schema
    .createTable('bus_messages')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('topic', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_by', 'varchar(255)')
    .addColumn('claimed_at', 'bigint')
    .execute();
  await db.schema.createIndex('bus_messages_unclaimed').on('bus_messages').columns(['topic', 'claimed_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['bus_messages', 'operation_steps', 'operations', 'resource_mappings', 'replication_policies', 'members', 'protection_groups', 'tenant_mappings', 'sites']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
