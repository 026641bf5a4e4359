import type { Kysely } from 'kysely';

/*
 * The pairing secret the two sites share (DESIGN §5.6), on the peer site's row: sealed JSON
 * `{current, previous, set_at}`. Null until an administrator pairs the sites.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sites').addColumn('pairing', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sites').dropColumn('pairing').execute();
}
