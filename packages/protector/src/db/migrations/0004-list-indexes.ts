import { MysqlAdapter, type Kysely } from 'kysely';

/*
 * Indexes for lists paged in SQL (db/keyset.ts): each list's scope, then its sort column, then
 * the id that breaks ties (always ascending), so a page is read in index order from the marker on
 * instead of sorting the project's rows. The operations list's default order is newest first,
 * hence `created_at desc` (MariaDB honours it from 10.8; older servers read the index backwards
 * and sort only the ties). operations_project (project_id, created_at) is a prefix of the new
 * default-order index and goes.
 */
const INDEXES: { name: string; table: string; columns: string[] }[] = [
  { name: 'protection_groups_project_created', table: 'protection_groups', columns: ['project_id', 'created_at', 'id'] },
  { name: 'protection_groups_project_updated', table: 'protection_groups', columns: ['project_id', 'updated_at', 'id'] },
  { name: 'protection_groups_project_status', table: 'protection_groups', columns: ['project_id', 'status', 'created_at', 'id'] },
  { name: 'operations_project_created', table: 'operations', columns: ['project_id', 'created_at desc', 'id'] },
  { name: 'operations_project_status', table: 'operations', columns: ['project_id', 'status', 'created_at desc', 'id'] },
  // A PG's operations, newest first: the list's pg_id filter and the latest operation of a PG.
  { name: 'operations_pg_created', table: 'operations', columns: ['pg_id', 'created_at desc', 'id'] },
  // The engines' scan for unfinished operations (status, created_at) is 0006's.
];

/** MariaDB names the table of the index to drop (`DROP INDEX i ON t`); SQLite refuses the `ON`. */
export const dropIndex = (db: Kysely<unknown>, name: string, table: string) =>
  (db.getExecutor().adapter instanceof MysqlAdapter ? db.schema.dropIndex(name).on(table) : db.schema.dropIndex(name)).execute();

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const i of INDEXES) await db.schema.createIndex(i.name).on(i.table).columns(i.columns).execute();
  await dropIndex(db, 'operations_project', 'operations');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('operations_project').on('operations').columns(['project_id', 'created_at']).execute();
  for (const i of [...INDEXES].reverse()) await dropIndex(db, i.name, i.table);
}
