import type { Kysely } from 'kysely';

/*
 * Re-IP rules on network mappings (docs/re-ip.md): the ordered rule list of a mapping as JSON,
 * null for a mapping without rules (every mapping before this migration).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('resource_mappings').addColumn('reip_rules', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('resource_mappings').dropColumn('reip_rules').execute();
}
