import { sql, type Kysely } from 'kysely';

/*
 * The replicate-now operation was recorded as type `sync`, the word `protection-group sync`
 * (metadata) also uses; it is `replicate` from now on, and the recorded ones are renamed so
 * that lists filtered by type and engines resuming them agree.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE operations SET type = 'replicate' WHERE type = 'sync'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE operations SET type = 'sync' WHERE type = 'replicate'`.execute(db);
}
