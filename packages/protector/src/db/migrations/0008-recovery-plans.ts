import type { Kysely } from 'kysely';

/*
 * Recovery plans (DESIGN §6): per project, versioned, ordered tiers of protection groups; a run
 * is a parent operation (type `plan_run`) whose children, one per PG, wait under a `hold` until
 * the run releases their tier. `active_run_id` lets one run at a time hold a plan, as
 * `active_operation_id` does for a PG. Hooks are the plan's outbound HTTP callouts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('recovery_plans')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'varchar(1024)', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('tiers', 'text', (c) => c.notNull())
    // Outbound HTTP callouts, JSON; each hook's HMAC secret sealed ([DEFAULT] secret_key).
    .addColumn('hooks', 'text', (c) => c.notNull())
    .addColumn('active_run_id', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('recovery_plans_project_name', ['project_id', 'name'])
    .execute();
  await db.schema.alterTable('operations').addColumn('hold', 'varchar(64)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('operations').dropColumn('hold').execute();
  await db.schema.dropTable('recovery_plans').execute();
}
