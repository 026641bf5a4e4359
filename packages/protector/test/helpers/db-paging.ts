import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CompiledQuery, Kysely, MysqlAdapter } from 'kysely';
import type { ListQuery } from '@protector/contract';
import { fetchPage, paginate, type ListOptions, type Page } from '../../src/api/pagination.js';
import { databaseDialect, syncDatabase, type Database } from '../../src/db/index.js';
import * as listIndexes from '../../src/db/migrations/0004-list-indexes.js';
import { PG_SORT_KEYS, ProtectionGroups } from '../../src/db/protection-groups.js';
import { OPERATION_SORT_KEYS, Operations } from '../../src/engine/operations.js';

/*
 * The PG and operation lists paged in SQL (db/keyset.ts) against the in-memory pager the API
 * used before (api/pagination.ts paginate), on the same rows: every sort key both ways, filters,
 * page sizes, walking the pages by marker; markers from elsewhere refused; the default pages read
 * through the 0004 indexes. SQLite and MariaDB run the same (db-list-paging.test.ts).
 */

const PG_STATUSES = ['active', 'failed_over', 'testing', 'error'];
const OP_STATUSES = ['completed', 'failed', 'running', 'pending'];
const OP_TYPES = ['failover', 'replicate', 'test_failover'];

/** Lower-case ASCII names only: the in-memory pager compares with localeCompare, the databases by their collation. */
const name = (i: number) => `pg-${String.fromCharCode(97 + (i * 7) % 26)}${i}`;

interface Seeded {
  pgs: Record<string, unknown>[];
  ops: Record<string, unknown>[];
}

/** Rows of projects a and b with many equal times (ties are where keyset paging goes wrong), and `bulk` more PGs and operations in project c. */
async function seedRows(db: Kysely<Database>, bulk: number): Promise<Seeded> {
  const pgs = [];
  for (const [project, n] of [['a', 40], ['b', 6], ['c', bulk]] as const) {
    for (let i = 0; i < n; i++) {
      pgs.push({
        id: randomUUID(), project_id: project, name: name(i), description: '', replication_type: 'async' as const, status: PG_STATUSES[i % 4] as string,
        primary_site_id: 's1', secondary_site_id: 's2', current_primary_site_id: 's1', metadata_version: 1, sync_state: 'in_sync' as const,
        active_operation_id: null, resources: '{"sites":{}}', created_at: 1_000 + Math.floor(i / 3), updated_at: 5_000 - (i % 5),
      });
    }
  }
  const ops = [];
  for (const [project, n] of [['a', 45], ['b', 5], ['c', bulk]] as const) {
    const mine = pgs.filter((p) => p.project_id === project);
    for (let i = 0; i < n; i++) {
      ops.push({
        id: randomUUID(), project_id: project, pg_id: i % 9 === 8 ? null : (mine[i % 4]?.id ?? null), type: OP_TYPES[i % 3] as string, status: OP_STATUSES[i % 4] as string,
        progress: 0, params: '{}', result: '{}', error: null, request_id: 'req', user_id: 'u', lease_owner: null, lease_expires_at: null,
        created_at: 2_000 + Math.floor(i / 4), started_at: null, finished_at: null, updated_at: 9_000 + (i % 6),
      });
    }
  }
  for (let i = 0; i < pgs.length; i += 100) await db.insertInto('protection_groups').values(pgs.slice(i, i + 100)).execute();
  for (let i = 0; i < ops.length; i += 100) await db.insertInto('operations').values(ops.slice(i, i + 100)).execute();
  return { pgs, ops };
}

/** Every page of `q`, by marker, from both pagers; they must agree page for page. */
async function walk<K extends string>(what: string, q: ListQuery, opts: ListOptions<K>, rows: { id: string }[], read: Parameters<typeof fetchPage<K, { id: string }>>[2]): Promise<number> {
  let marker: string | undefined;
  let pages = 0;
  for (;;) {
    const query = { ...q, ...(marker ? { marker } : {}) };
    const want: Page<{ id: string }> = paginate(rows as never[], query, opts as never);
    const got = await fetchPage(query, opts, read);
    assert.deepEqual(got.items.map((r) => r.id), want.items.map((r) => r.id), `${what} page ${pages + 1}`);
    assert.equal(got.next, want.next, `${what} page ${pages + 1}: next link`);
    pages++;
    if (!got.next) return pages;
    marker = got.items.at(-1)?.id;
  }
}

/** EXPLAIN of the statement a page runs: which index it reads, and whether it sorts. */
async function plan(db: Kysely<Database>, statement: CompiledQuery): Promise<string> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const r = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(`${mysql ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${statement.sql}`, [...statement.parameters]));
  return r.rows.map((row) => (mysql ? `key=${String(row.key)} ${String(row.Extra ?? '')}` : String(row.detail))).join('; ');
}

export async function exerciseListPaging(url: string): Promise<void> {
  const statements: CompiledQuery[] = [];
  const db = new Kysely<Database>({ dialect: databaseDialect(url), log: (e) => void statements.push(e.query) });
  try {
    await syncDatabase(db);
    const { pgs, ops } = await seedRows(db, 600);
    const pgRepo = new ProtectionGroups(db);
    const opRepo = new Operations(db);
    const limits = { defaultLimit: 10, maxLimit: 25 };
    const pgOpts = { sortKeys: PG_SORT_KEYS, defaultSort: 'created_at' as const, ...limits };
    const opOpts = { sortKeys: OPERATION_SORT_KEYS, defaultSort: 'created_at:desc' as const, ...limits };
    const pgA = pgs.filter((p) => p.project_id === 'a') as { id: string; name: string; status: string }[];
    const opA = ops.filter((o) => o.project_id === 'a') as { id: string; pg_id: string | null; status: string; type: string }[];

    let pages = 0;
    for (const sort of [undefined, ...PG_SORT_KEYS.flatMap((k) => [k, `${k}:asc`, `${k}:desc`])]) {
      for (const limit of [undefined, 1, 7, 25, 1000]) {
        const q = { ...(sort ? { sort } : {}), ...(limit ? { limit } : {}) };
        pages += await walk(`pgs sort=${sort} limit=${limit}`, q, pgOpts, pgA, (p) => pgRepo.page('a', {}, p));
      }
      const status = 'failed_over';
      pages += await walk(`pgs status=${status} sort=${sort}`, { ...(sort ? { sort } : {}), limit: 3 }, pgOpts, pgA.filter((p) => p.status === status), (p) => pgRepo.page('a', { status }, p));
    }
    const named = pgA[5] as { id: string; name: string };
    pages += await walk('pgs by name', {}, pgOpts, [named], (p) => pgRepo.page('a', { name: named.name }, p));
    const pgId = opA[0]?.pg_id as string;
    for (const sort of [undefined, ...OPERATION_SORT_KEYS.flatMap((k) => [`${k}:asc`, `${k}:desc`])]) {
      for (const limit of [undefined, 1, 6, 25]) {
        pages += await walk(`ops sort=${sort} limit=${limit}`, { ...(sort ? { sort } : {}), ...(limit ? { limit } : {}) }, opOpts, opA, (p) => opRepo.page('a', {}, p));
      }
      const filters = { pg_id: pgId, status: 'failed', type: 'replicate' };
      for (const [k, v] of Object.entries(filters)) {
        pages += await walk(`ops ${k}=${v} sort=${sort}`, { ...(sort ? { sort } : {}), limit: 2 }, opOpts, opA.filter((o) => o[k as keyof typeof filters] === v), (p) => opRepo.page('a', { [k]: v }, p));
      }
      pages += await walk(`ops all filters sort=${sort}`, { ...(sort ? { sort } : {}) }, opOpts, opA.filter((o) => o.pg_id === pgId && o.status === 'completed' && o.type === 'failover'), (p) => opRepo.page('a', { pg_id: pgId, status: 'completed', type: 'failover' }, p));
    }
    assert.ok(pages > 300, `${pages} pages compared`);

    // A marker must be a row of the list asked for: another project's, one the filters leave
    // out and an unknown id are all the same 400, so a marker cannot probe other projects.
    const pgB = pgs.find((p) => p.project_id === 'b')?.id as string;
    const opB = ops.find((o) => o.project_id === 'b')?.id as string;
    const excluded = pgA.find((p) => p.status !== 'active')?.id as string;
    for (const marker of [pgB, excluded, randomUUID()]) assert.equal(await pgRepo.page('a', { status: 'active' }, { key: 'created_at', desc: false, limit: 5, marker }), undefined);
    for (const marker of [opB, randomUUID()]) assert.equal(await opRepo.page('a', {}, { key: 'created_at', desc: true, limit: 5, marker }), undefined);
    await assert.rejects(fetchPage({ marker: pgB }, pgOpts, (p) => pgRepo.page('a', {}, p)), /Marker '.*' could not be found/);

    // The default pages of project c (600 rows each) are read from the 0004 indexes, not sorted.
    const lastStatement = async (read: () => Promise<unknown>) => {
      statements.length = 0;
      await read();
      return statements.at(-1) as CompiledQuery;
    };
    const marker = (pgs.filter((p) => p.project_id === 'c')[300] as { id: string }).id;
    const pgPlan = await plan(db, await lastStatement(() => pgRepo.page('c', {}, { key: 'created_at', desc: false, limit: 100, marker })));
    assert.match(pgPlan, /protection_groups_project_created/, pgPlan);
    const opPlan = await plan(db, await lastStatement(() => opRepo.page('c', {}, { key: 'created_at', desc: true, limit: 100 })));
    assert.match(opPlan, /operations_project_created/, opPlan);
    for (const p of [pgPlan, opPlan]) assert.doesNotMatch(p, /TEMP B-TREE|filesort/i, p);

    // 0004 comes off and on again (the index the default operations list used before included).
    await listIndexes.down(db as Kysely<unknown>);
    await listIndexes.up(db as Kysely<unknown>);
    assert.match(await plan(db, await lastStatement(() => opRepo.page('c', {}, { key: 'created_at', desc: true, limit: 100 }))), /operations_project_created/);
  } finally {
    await db.destroy();
  }
}
