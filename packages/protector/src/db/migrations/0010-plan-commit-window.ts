import type { Kysely } from 'kysely';

/*
 * A recovery plan's commit policy (docs/recovery-plans.md): the commit window of its planned and
 * point-in-time runs as JSON, null for a plan without one (every plan before this migration).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('recovery_plans').addColumn('commit_window', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('recovery_plans').dropColumn('commit_window').execute();
}
