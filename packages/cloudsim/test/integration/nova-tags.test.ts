// Server tags (2.26) as a non-admin tenant sees them: the list filters a caller polls many servers
// with (tags, tags-any, not-tags, not-tags-any), tags given at boot (2.52), /servers/{id}/tags,
// and changes-since / changes-before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@protector/arraysim';
import { startTestSite } from '../helpers/site.js';
import { boot, novaFixture, type NovaFixture } from './nova-fixtures.js';

const clock = new ManualClock();
const ts = await startTestSite({ clock, bootTimeMs: 1000 });
const mv = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });
type List = { servers: { id: string; name: string; tags?: string[] }[] };

async function tagged(f: NovaFixture, name: string, tags: string[]): Promise<string> {
  const res = await boot(ts, f, { name, tags }, mv('2.52'));
  assert.equal(res.status, 202, res.text);
  return res.body.server.id;
}

const list = (f: NovaFixture, query: string, version = '2.26') =>
  ts.call<List>('nova', 'GET', `/v2.1/servers/detail?${query}`, { token: f.token, headers: mv(version) });
const names = (res: { body: List }) => res.body.servers.map((s) => s.name).sort();

test('tags, tags-any, not-tags and not-tags-any filter a tenant list as Nova does', async () => {
  const f = await novaFixture(ts);
  await tagged(f, 'a', ['pg-1', 'tier-0']);
  await tagged(f, 'b', ['pg-1', 'tier-1']);
  await tagged(f, 'c', ['pg-2', 'tier-0']);
  await tagged(f, 'd', []);
  // Another tenant's server with the same tag never shows.
  const other = await novaFixture(ts);
  await tagged(other, 'theirs', ['pg-1']);

  assert.deepEqual(names(await list(f, 'tags=pg-1')), ['a', 'b']);
  assert.deepEqual(names(await list(f, 'tags=pg-1,tier-0')), ['a'], 'tags: all of them');
  assert.deepEqual(names(await list(f, 'tags-any=pg-2,tier-1')), ['b', 'c'], 'tags-any: any of them');
  assert.deepEqual(names(await list(f, 'not-tags=pg-1,tier-0')), ['b', 'c', 'd'], 'not-tags: not all of them');
  assert.deepEqual(names(await list(f, 'not-tags-any=pg-1,tier-1')), ['c', 'd'], 'not-tags-any: none of them');
  assert.deepEqual(names(await list(f, 'tags=pg-1&not-tags-any=tier-1')), ['a'], 'filters combine');
  assert.deepEqual(names(await list(f, 'tags=nope')), []);
  // The summary list filters the same way, and the detail view shows the tags.
  const summary = await ts.call<List>('nova', 'GET', '/v2.1/servers?tags-any=pg-2', { token: f.token, headers: mv('2.26') });
  assert.deepEqual(names(summary), ['c']);
  assert.deepEqual((await list(f, 'tags=pg-2')).body.servers[0]?.tags, ['pg-2', 'tier-0']);
  // Paging keeps the filter.
  const page = await ts.call<List & { servers_links?: { href: string }[] }>('nova', 'GET', '/v2.1/servers/detail?tags=pg-1&limit=1', { token: f.token, headers: mv('2.26') });
  assert.equal(page.body.servers.length, 1);
  const next = new URL(page.body.servers_links![0]!.href);
  assert.equal(next.searchParams.get('tags'), 'pg-1');
  const rest = await ts.call<List>('nova', 'GET', `/v2.1/servers/detail${next.search}`, { token: f.token, headers: mv('2.26') });
  assert.deepEqual([...names(page), ...names(rest)].sort(), ['a', 'b']);
});

test('below 2.26 Nova drops tag filters as unknown options, and tags are not shown', async () => {
  const f = await novaFixture(ts);
  await tagged(f, 'x', ['keep']);
  await tagged(f, 'y', []);
  const old = await list(f, 'tags=keep', '2.25');
  assert.equal(old.status, 200);
  assert.deepEqual(names(old), ['x', 'y']);
  assert.equal(old.body.servers[0]?.tags, undefined);
});

test('tags at boot need 2.52 and are stored once each', async () => {
  const f = await novaFixture(ts);
  const early = await boot(ts, f, { name: 'early', tags: ['a'] }, mv('2.51'));
  assert.equal(early.status, 400);
  assert.match(early.text, /'tags' was unexpected/);
  const id = await tagged(f, 'dup', ['a', 'b', 'a']);
  const res = await ts.call<{ tags: string[] }>('nova', 'GET', `/v2.1/servers/${id}/tags`, { token: f.token, headers: mv('2.26') });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.tags, ['a', 'b']);
  const bad = await boot(ts, f, { name: 'bad', tags: ['a,b'] }, mv('2.52'));
  assert.equal(bad.status, 400);
  assert.match(bad.text, /tags/);
  const many = await boot(ts, f, { name: 'many', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, mv('2.52'));
  assert.equal(many.status, 400);
});

test('/servers/{id}/tags: list, replace, clear, and check, add or remove one tag', async () => {
  const f = await novaFixture(ts);
  const id = await tagged(f, 'srv', ['one']);
  const call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown, version = '2.26') =>
    ts.call<T>('nova', method, `/v2.1/servers/${id}/tags${path}`, { token: f.token, headers: mv(version), body });
  // Tags of a server still building cannot change (vm_state building).
  let res = await call('PUT', '', { tags: ['x'] });
  assert.equal(res.status, 409);
  assert.match(res.text, new RegExp(`Cannot 'update tags' instance ${id} while it is in vm_state building`));
  clock.advance(1000);
  const before = (await ts.call<{ server: { updated: string } }>('nova', 'GET', `/v2.1/servers/${id}`, { token: f.token })).body.server.updated;
  clock.advance(5000);

  assert.equal((await call('GET', '', undefined, '2.25')).status, 404);
  assert.deepEqual((await call<{ tags: string[] }>('GET', '')).body.tags, ['one']);
  res = await call('PUT', '', { tags: ['b', 'a', 'b'] });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.tags, ['b', 'a']);
  assert.equal((await call('PUT', '', { tags: ['a/b'] })).status, 400);
  assert.equal((await call('PUT', '', { tag: ['a'] })).status, 400);

  assert.equal((await call('GET', '/a')).status, 204);
  res = await call('GET', '/zz');
  assert.equal(res.status, 404);
  assert.match(res.text, new RegExp(`Server ${id} has no tag 'zz'`));
  res = await call('PUT', '/c');
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('location'), `${ts.site.url('nova')}/v2.1/servers/${id}/tags/c`);
  assert.equal((await call('PUT', '/c')).status, 204, 'a tag already there');
  res = await call('PUT', '/a%2Cb');
  assert.equal(res.status, 400);
  assert.match(res.text, /Tag 'a,b' is invalid/);
  assert.equal((await call('PUT', '/d', { x: 1 })).status, 400, 'the body must be empty');
  assert.equal((await call('DELETE', '/b')).status, 204);
  res = await call('DELETE', '/b');
  assert.equal(res.status, 404);
  assert.match(res.text, /has no tag 'b'/);
  assert.deepEqual((await call<{ tags: string[] }>('GET', '')).body.tags, ['a', 'c']);

  // The list filter sees the change at once.
  assert.deepEqual(names(await list(f, 'tags=c')), ['srv']);
  assert.equal((await call('DELETE', '')).status, 204);
  assert.deepEqual((await call<{ tags: string[] }>('GET', '')).body.tags, []);
  assert.deepEqual(names(await list(f, 'tags-any=a,c')), []);
  // Tags live in their own table in Nova: the server's updated_at does not move.
  const after = (await ts.call<{ server: { updated: string } }>('nova', 'GET', `/v2.1/servers/${id}`, { token: f.token })).body.server.updated;
  assert.equal(after, before);

  // The limit is Nova's 50 per server.
  assert.equal((await call('PUT', '', { tags: Array.from({ length: 50 }, (_, i) => `t${i}`) })).status, 200);
  res = await call('PUT', '/t50');
  assert.equal(res.status, 400);
  assert.match(res.text, /exceeded the per-server limit 50/);
  // Another tenant's server is not found.
  const other = await novaFixture(ts);
  res = await ts.call('nova', 'GET', `/v2.1/servers/${id}/tags`, { token: other.token, headers: mv('2.26') });
  assert.equal(res.status, 404);
});

test('changes-since and changes-before (2.66) compare at the second Nova stores', async () => {
  const f = await novaFixture(ts);
  clock.advance(1000 - (clock.now() % 1000) + 400); // x.400
  await tagged(f, 'early', []);
  // Its boot ends (updated_at moves) 1 s later, at (x+1).400.
  const second = clock.now() + 1000 - 400;
  clock.advance(10_000);
  await tagged(f, 'late', []);
  const at = (ms: number) => new Date(ms).toISOString();
  // updated_at is kept to the second: a server changed at x.400 matches changes-since=x.000 but not x.500.
  assert.deepEqual(names(await list(f, `changes-since=${at(second)}`)), ['early', 'late']);
  assert.deepEqual(names(await list(f, `changes-since=${at(second + 500)}`)), ['late']);
  assert.deepEqual(names(await list(f, `changes-before=${at(second + 5000)}`, '2.66')), ['early']);
  assert.deepEqual(names(await list(f, `changes-before=${at(second + 5000)}`, '2.65')), ['early', 'late'], 'dropped below 2.66');
  assert.deepEqual(names(await list(f, `changes-since=${at(second + 1000)}&changes-before=${at(second + 20_000)}`, '2.66')), ['late']);
  const wrong = await list(f, `changes-since=${at(second + 5000)}&changes-before=${at(second)}`, '2.66');
  assert.equal(wrong.status, 400);
  assert.match(wrong.text, /changes-since must be less than or equal to changes-before/);
  assert.equal((await list(f, 'changes-before=soon', '2.66')).status, 400);
});
