import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TableNode, type Kysely, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import type { Database } from '../../src/db/schema.js';

/** The errors MariaDB (and Galera) answer a transaction that lost a race with, as mysql2 raises them. */
export const mysqlConflict = {
  deadlock: () => Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { errno: 1213, code: 'ER_LOCK_DEADLOCK', sqlState: '40001' }),
  lockWaitTimeout: () => Object.assign(new Error('Lock wait timeout exceeded; try restarting transaction'), { errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT', sqlState: 'HY000' }),
  /** Galera's certification failure: another node committed a conflicting write first. */
  certification: () => Object.assign(new Error('WSREP detected deadlock/conflict and aborted the transaction. Try restarting the transaction'), { errno: 1213, code: 'ER_LOCK_DEADLOCK', sqlState: '40001' }),
  duplicate: () => Object.assign(new Error("Duplicate entry 'x' for key 'PRIMARY'"), { errno: 1062, code: 'ER_DUP_ENTRY', sqlState: '23000' }),
};

type Kind = 'InsertQueryNode' | 'UpdateQueryNode' | 'SelectQueryNode';

const tableOf = (n: RootOperationNode): string | undefined => {
  const t = n.kind === 'InsertQueryNode' ? n.into : n.kind === 'UpdateQueryNode' ? n.table : n.kind === 'SelectQueryNode' ? n.from?.froms[0] : undefined;
  return t && TableNode.is(t) ? t.table.identifier.name : undefined;
};

/**
 * A plugin that makes the first `times` statements of `kind` on `table` fail with `error()`
 * before they reach the database, as a statement that lost a race fails: the transaction it is
 * in is rolled back by Kysely. `seen` counts those statements, failed or not.
 */
export function losingRaces(kind: Kind, table: string, error: () => Error, times = 1): KyselyPlugin & { seen: number } {
  let left = times;
  const plugin = {
    seen: 0,
    transformQuery({ node }: { node: RootOperationNode }) {
      if (node.kind === kind && tableOf(node) === table) {
        plugin.seen++;
        if (left-- > 0) throw error();
      }
      return node;
    },
    transformResult: async <R>({ result }: { result: R }) => result,
  };
  return plugin;
}

/** A protection group row for tests that only need one to exist. */
export async function bareProtectionGroup(db: Kysely<Database>): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  await db
    .insertInto('protection_groups')
    .values({
      id, project_id: 'p1', name: `pg-${id}`, description: '', replication_type: 'async', status: 'active', primary_site_id: 'a',
      secondary_site_id: 'b', current_primary_site_id: 'a', metadata_version: 1, sync_state: 'in_sync', active_operation_id: null,
      resources: JSON.stringify({ sites: {} }), created_at: now, updated_at: now,
    })
    .execute();
  return id;
}

/**
 * `n` merges into one PG's resources at once, each recording its own site key: every one must be
 * there afterwards (none overwritten by a merge that read the record before it was written).
 */
export async function concurrentMergesKeepAll(db: Kysely<Database>, n: number): Promise<void> {
  const pgs = new ProtectionGroups(db);
  const id = await bareProtectionGroup(db);
  await Promise.all(Array.from({ length: n }, (_, i) => pgs.setResources(id, (r) => ({ ...r, sites: { ...r.sites, [`site-${i}`]: { group_id: `g-${i}` } } }))));
  const kept = Object.keys((await pgs.get(id))!.resources.sites);
  assert.equal(kept.length, n, `merges lost: ${Array.from({ length: n }, (_, i) => `site-${i}`).filter((k) => !kept.includes(k)).join(', ')}`);
}
