import type { Kysely } from 'kysely';
import { dropIndex } from './0004-list-indexes.js';

/*
 * Parent operations: a bulk action (DESIGN §3) records one parent row with a child operation per
 * protection group; each child names its parent, and the parent's state is its children's. The
 * index finds a parent's children (its detail and every child's end, which settles the parent).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('operations').addColumn('parent_id', 'varchar(64)').execute();
  await db.schema.createIndex('operations_parent').on('operations').columns(['parent_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropIndex(db, 'operations_parent', 'operations');
  await db.schema.alterTable('operations').dropColumn('parent_id').execute();
}
