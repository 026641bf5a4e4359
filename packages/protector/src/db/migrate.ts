import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as sitePairing from './migrations/0002-site-pairing.js';
import * as replicateType from './migrations/0003-replicate-operation-type.js';
import * as listIndexes from './migrations/0004-list-indexes.js';
import * as replicationState from './migrations/0005-replication-state.js';
import * as engineServices from './migrations/0006-engine-services.js';
import * as operationParents from './migrations/0007-operation-parents.js';
import * as recoveryPlans from './migrations/0008-recovery-plans.js';
import * as reipRules from './migrations/0009-reip-rules.js';
import * as planCommitWindow from './migrations/0010-plan-commit-window.js';
import type { Database } from './schema.js';

/** Every migration, in order. Names are their versions: never rename or reorder one that shipped. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-site-pairing': sitePairing,
  '0003-replicate-operation-type': replicateType,
  '0004-list-indexes': listIndexes,
  '0005-replication-state': replicationState,
  '0006-engine-services': engineServices,
  '0007-operation-parents': operationParents,
  '0008-recovery-plans': recoveryPlans,
  '0009-reip-rules': reipRules,
  '0010-plan-commit-window': planCommitWindow,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

const migrator = (db: Kysely<Database>) =>
  new Migrator({ db, provider, migrationTableName: 'protector_migrations', migrationLockTableName: 'protector_migrations_lock' });

/** The newest migration this code knows. */
export const LATEST_VERSION = Object.keys(MIGRATIONS).at(-1) as string;

/** `protector-manage db sync`: applies every pending migration; returns those applied. */
export async function syncDatabase(db: Kysely<Database>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** `protector-manage db version`: the newest applied migration (null when none), and what is pending. */
export async function databaseVersion(db: Kysely<Database>): Promise<{ current: string | null; latest: string; pending: string[]; unknown: string[] }> {
  const all = await migrator(db).getMigrations();
  const applied = await appliedNames(db);
  return {
    current: applied.at(-1) ?? null,
    latest: LATEST_VERSION,
    pending: all.filter((m) => m.executedAt === undefined).map((m) => m.name),
    // Applied by newer code: this code does not know the schema it left.
    unknown: applied.filter((n) => !(n in MIGRATIONS)),
  };
}

async function appliedNames(db: Kysely<Database>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  if (!tables.some((t) => t.name === 'protector_migrations')) return [];
  const rows = await sql<{ name: string }>`SELECT name FROM protector_migrations ORDER BY name`.execute(db);
  return rows.rows.map((r) => r.name);
}

/** Refuses to serve from a database that is behind or ahead of this code. */
export async function checkDatabaseVersion(db: Kysely<Database>): Promise<void> {
  const v = await databaseVersion(db);
  if (v.unknown.length > 0) throw new Error(`the database has migrations this code does not know (${v.unknown.join(', ')}): it is newer than ${v.latest}`);
  if (v.pending.length > 0) throw new Error(`the database is at ${v.current ?? 'no version'}, this code needs ${v.latest}: run protector-manage db sync`);
}
