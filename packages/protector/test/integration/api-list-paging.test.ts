// The PG and operation lists through the API, paged in SQL: pages followed by their next links
// come out in the list's order without gaps or repeats, with the sort and the filters kept;
// filters apply before paging; a marker from another project is refused exactly as an unknown one; and a page costs a
// fixed number of statements whatever its size (no statement per row).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Kysely, type CompiledQuery } from 'kysely';
import { databaseDialect, type Database } from '../../src/db/index.js';
import { startApi, type Answer } from '../helpers/api.js';

const statements: CompiledQuery[] = [];
const h = await startApi({ openDb: (url) => new Kysely<Database>({ dialect: databaseDialect(url), log: (e) => void statements.push(e.query) }) });
const { demo, other } = h.projects;
type Err = { error: { code: number; message: string } };
type Listed = { id: string; name?: string; status: string; created_at: string; type?: string; protection_group_id?: string | null };

const T0 = Date.UTC(2026, 0, 1);
/** PGs of demo (created three to a millisecond, so ties need the id) and one of other. */
const pgRows = [...Array.from({ length: 23 }, (_, i) => ({ project: demo, i })), { project: other, i: 0 }].map(({ project, i }) => ({
  id: randomUUID(), project_id: project, name: `pg-${String(i).padStart(2, '0')}`, description: '', replication_type: 'async' as const,
  status: i % 3 === 0 ? 'failed_over' : 'active', primary_site_id: 's1', secondary_site_id: 's2', current_primary_site_id: 's1', metadata_version: 1,
  sync_state: 'in_sync' as const, active_operation_id: null, resources: '{"sites":{}}', created_at: T0 + Math.floor(i / 3), updated_at: T0 + 50 - i,
}));
const demoPgs = pgRows.filter((p) => p.project_id === demo);
const opRows = [...Array.from({ length: 31 }, (_, i) => ({ project: demo, i })), { project: other, i: 0 }].map(({ project, i }) => ({
  id: randomUUID(), project_id: project, pg_id: project === demo ? (demoPgs[i % 2] as { id: string }).id : null, type: i % 2 ? 'failover' : 'replicate',
  status: i % 4 === 0 ? 'failed' : 'completed', progress: 100, params: '{}', result: '{}', error: null, request_id: 'req-x', user_id: 'u',
  lease_owner: null, lease_expires_at: null, created_at: T0 + Math.floor(i / 2), started_at: null, finished_at: null, updated_at: T0 + i,
}));
await h.deps.db.insertInto('protection_groups').values(pgRows).execute();
await h.deps.db.insertInto('operations').values(opRows).execute();

/** Every page from `path`, following next links; each link must keep the limit, the sort and the filters. */
async function walk(path: string, key: 'protection_groups' | 'operations', token: string): Promise<Listed[][]> {
  const pages: Listed[][] = [];
  let next: string | undefined = path;
  while (next) {
    const r: Answer<Record<string, unknown>> = await h.call('GET', next, { token });
    assert.equal(r.status, 200, r.text);
    pages.push(r.body[key] as Listed[]);
    const href: string | undefined = (r.body[`${key}_links`] as { rel: string; href: string }[] | undefined)?.[0]?.href;
    if (href) {
      const asked = new URL(path, 'http://x').searchParams;
      const link = new URL(href, 'http://x');
      assert.equal(link.pathname, new URL(path, 'http://x').pathname);
      for (const [k, v] of asked) if (k !== 'marker') assert.equal(link.searchParams.get(k), v, `the link keeps ${k}`);
      assert.equal(link.searchParams.get('marker'), pages.at(-1)?.at(-1)?.id, 'the marker is the last id shown');
    }
    next = href;
  }
  return pages;
}

const byKeyThenId = <T extends { id: string }>(rows: T[], key: keyof T, desc = false) =>
  [...rows].sort((a, b) => (a[key] === b[key] ? (a.id < b.id ? -1 : 1) : (a[key] < b[key] ? -1 : 1) * (desc ? -1 : 1))).map((r) => r.id);

test('PG list: pages by marker in created_at order (ties by id), sorts, filters, limits', async () => {
  const bob = await h.token('bob');
  const pages = await walk(`/v1/${demo}/protection-groups?limit=4`, 'protection_groups', bob);
  assert.deepEqual(pages.map((p) => p.length), [4, 4, 4, 4, 4, 3]);
  assert.deepEqual(pages.flat().map((p) => p.id), byKeyThenId(demoPgs, 'created_at'));
  const byName = await walk(`/v1/${demo}/protection-groups?limit=5&sort=name:desc`, 'protection_groups', bob);
  assert.deepEqual(byName.flat().map((p) => p.name), demoPgs.map((p) => p.name).sort().reverse());
  const failed = await walk(`/v1/${demo}/protection-groups?status=failed_over&limit=2&sort=updated_at`, 'protection_groups', bob);
  assert.deepEqual(failed.flat().map((p) => p.id), byKeyThenId(demoPgs.filter((p) => p.status === 'failed_over'), 'updated_at'));
  const one = await h.call<{ protection_groups: Listed[] }>('GET', `/v1/${demo}/protection-groups?name=pg-07`, { token: bob });
  assert.deepEqual(one.body.protection_groups.map((p) => p.name), ['pg-07']);
  const all = await h.call<{ protection_groups: Listed[]; protection_groups_links?: unknown }>('GET', `/v1/${demo}/protection-groups`, { token: bob });
  assert.equal(all.body.protection_groups.length, 23, 'the default limit (100) holds them all');
  assert.equal(all.body.protection_groups_links, undefined, 'no next link on the last page');
  const capped = await h.call<{ protection_groups: Listed[] }>('GET', `/v1/${demo}/protection-groups?limit=5000`, { token: bob });
  assert.equal(capped.body.protection_groups.length, 23);
  const badSort = await h.call<Err>('GET', `/v1/${demo}/protection-groups?sort=description`, { token: bob });
  assert.equal(badSort.status, 400);
  assert.match(badSort.body.error.message, /sort.*Sort key 'description' is not one of created_at, name, status, updated_at/);
});

test('operations list: newest first by default (ties by id), by marker, filters applied before paging', async () => {
  const bob = await h.token('bob');
  const demoOps = opRows.filter((o) => o.project_id === demo);
  const pages = await walk(`/v1/${demo}/operations?limit=7`, 'operations', bob);
  assert.deepEqual(pages.map((p) => p.length), [7, 7, 7, 7, 3]);
  assert.deepEqual(pages.flat().map((o) => o.id), byKeyThenId(demoOps, 'created_at', true));
  const pg = demoPgs[1]!.id;
  const filtered = await walk(`/v1/${demo}/operations?pg_id=${pg}&status=completed&type=failover&limit=2&sort=updated_at:asc`, 'operations', bob);
  const want = demoOps.filter((o) => o.pg_id === pg && o.status === 'completed' && o.type === 'failover');
  assert.ok(want.length > 4);
  assert.deepEqual(filtered.flat().map((o) => o.id), byKeyThenId(want, 'updated_at'));
});

test('a marker from another project, or one the filters exclude, is refused as an unknown one: nothing about it leaks', async () => {
  const alice = await h.token('alice');
  const foreignPg = pgRows.find((p) => p.project_id === other)!.id;
  const foreignOp = opRows.find((o) => o.project_id === other)!.id;
  const activePg = demoPgs.find((p) => p.status === 'active')!.id;
  const cases = [
    [`/v1/${demo}/protection-groups?marker=${foreignPg}`, foreignPg],
    [`/v1/${demo}/protection-groups?status=failed_over&marker=${activePg}`, activePg],
    [`/v1/${demo}/operations?marker=${foreignOp}`, foreignOp],
  ];
  const unknown = randomUUID();
  for (const [path, marker] of [...cases, [`/v1/${demo}/operations?marker=${unknown}`, unknown]] as [string, string][]) {
    const r = await h.call<Err>('GET', path, { token: alice });
    assert.equal(r.status, 400, path);
    assert.equal(r.body.error.message, `Invalid input for field/attribute marker. Marker '${marker}' could not be found.`, path);
  }
  // The admin naming the other project pages it with its own markers.
  const theirs = await h.call<{ operations: Listed[] }>('GET', `/v1/${other}/operations?marker=${foreignOp}`, { token: await h.token('admin') });
  assert.equal(theirs.status, 200, theirs.text);
  assert.deepEqual(theirs.body.operations, []);
});

test('a page costs the same statements whatever its size: one, or two with a marker', async () => {
  const bob = await h.token('bob');
  const count = async (path: string, table: string) => {
    statements.length = 0;
    const r = await h.call('GET', path, { token: bob });
    assert.equal(r.status, 200, r.text);
    return statements.filter((s) => new RegExp(`from [\`"]${table}[\`"]`).test(s.sql)).length;
  };
  for (const [resource, table] of [['protection-groups', 'protection_groups'], ['operations', 'operations']] as const) {
    const base = `/v1/${demo}/${resource}`;
    assert.equal(await count(`${base}?limit=1`, table), 1, `${resource}: one row`);
    assert.equal(await count(`${base}?limit=100`, table), 1, `${resource}: every row`);
    const first = (await h.call<Record<string, Listed[]>>('GET', `${base}?limit=3`, { token: bob })).body[table]!;
    assert.equal(await count(`${base}?limit=100&marker=${first.at(-1)!.id}`, table), 2, `${resource}: with a marker`);
  }
});
