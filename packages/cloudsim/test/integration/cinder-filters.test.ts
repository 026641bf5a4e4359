// Cinder's metadata filter as a non-admin tenant polls many volumes with it, and the list's
// transitions seen through it (creating → available, deleting → gone).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@protector/arraysim';
import { startTestSite } from '../helpers/site.js';

const clock = new ManualClock();
const ts = await startTestSite({ clock, bootTimeMs: 1000 });
type Vol = { id: string; name: string; status: string; metadata: Record<string, string> };
type List = { volumes: Vol[]; volumes_links?: { href: string }[]; count?: number };

async function tenantWithVolumes(name: string, volumes: [string, Record<string, string>][]) {
  const t = await ts.tenant(name);
  for (const [volName, metadata] of volumes) {
    const res = await ts.call('cinder', 'POST', `/v3/${t.projectId}/volumes`, { token: t.token, body: { volume: { size: 1, name: volName, metadata } } });
    assert.equal(res.status, 202, res.text);
  }
  const list = (query: string, headers: Record<string, string> = {}) =>
    ts.call<List>('cinder', 'GET', `/v3/${t.projectId}/volumes/detail?${query}`, { token: t.token, headers });
  return { ...t, list };
}
const meta = (m: unknown) => `metadata=${encodeURIComponent(typeof m === 'string' ? m : JSON.stringify(m))}`;
const names = (res: { body: List }) => res.body.volumes.map((v) => v.name).sort();

test('metadata={...} keeps the volumes with every given pair, in either dict syntax', async () => {
  const t = await tenantWithVolumes('meta-a', [
    ['a', { pg: 'pg-1', tier: '0' }],
    ['b', { pg: 'pg-1', tier: '1' }],
    ['c', { pg: 'pg-2', tier: '0' }],
    ['d', {}],
  ]);
  await tenantWithVolumes('meta-b', [['theirs', { pg: 'pg-1' }]]);
  assert.deepEqual(names(await t.list(meta({ pg: 'pg-1' }))), ['a', 'b']);
  assert.deepEqual(names(await t.list(meta({ pg: 'pg-1', tier: '0' }))), ['a']);
  assert.deepEqual(names(await t.list(meta("{'tier': '0'}"))), ['a', 'c']);
  assert.deepEqual(names(await t.list(meta({ pg: 'pg-3' }))), []);
  assert.deepEqual(names(await t.list(meta({}))), ['a', 'b', 'c', 'd']);
  // Numbers compare as the text Cinder stores.
  assert.deepEqual(names(await t.list(meta({ tier: 1 }))), ['b']);
  // A key present only on Object.prototype is no match.
  assert.deepEqual(names(await t.list(meta({ toString: 'x' }))), []);
  // The summary list filters the same way; other filters combine with it.
  const summary = await ts.call<List>('cinder', 'GET', `/v3/${t.projectId}/volumes?${meta({ pg: 'pg-2' })}`, { token: t.token });
  assert.deepEqual(names(summary), ['c']);
  assert.deepEqual(names(await t.list(`${meta({ pg: 'pg-1' })}&name=b`)), ['b']);
  // Paging keeps the filter; with_count (3.45) counts what it kept.
  const page = await t.list(`${meta({ pg: 'pg-1' })}&limit=1&with_count=true`, { 'OpenStack-API-Version': 'volume 3.45' });
  assert.equal(page.body.volumes.length, 1);
  assert.equal(page.body.count, 2);
  const next = new URL(page.body.volumes_links![0]!.href);
  assert.equal(next.searchParams.get('metadata'), JSON.stringify({ pg: 'pg-1' }));
  const rest = await ts.call<List>('cinder', 'GET', `${next.pathname}${next.search}`, { token: t.token });
  assert.deepEqual([...names(page), ...names(rest)].sort(), ['a', 'b']);
});

test('a malformed metadata filter is refused, even when no volume would be tested against it', async () => {
  const t = await tenantWithVolumes('meta-c', []);
  for (const bad of ['pg=1', '[1, 2]', '{"pg": ']) {
    const res = await t.list(meta(bad));
    assert.equal(res.status, 400, `${bad}: ${res.text}`);
    assert.match(res.text, /Invalid filter value for metadata/);
  }
});

test('the filtered list applies transitions: creating → available, deleting → gone', async () => {
  const t = await tenantWithVolumes('meta-d', [['new', { pg: 'pg-9' }]]);
  let res = await t.list(meta({ pg: 'pg-9' }));
  assert.deepEqual(res.body.volumes.map((v) => v.status), ['creating']);
  clock.advance(1000);
  res = await t.list(meta({ pg: 'pg-9' }));
  assert.deepEqual(res.body.volumes.map((v) => v.status), ['available']);
  const id = res.body.volumes[0]!.id;
  const shown = await ts.call<{ volume: Vol }>('cinder', 'GET', `/v3/${t.projectId}/volumes/${id}`, { token: t.token });
  assert.equal(shown.body.volume.status, 'available');
  assert.equal((await ts.call('cinder', 'DELETE', `/v3/${t.projectId}/volumes/${id}`, { token: t.token })).status, 202);
  res = await t.list(meta({ pg: 'pg-9' }));
  assert.deepEqual(res.body.volumes.map((v) => v.status), ['deleting']);
  clock.advance(1000);
  assert.deepEqual((await t.list(meta({ pg: 'pg-9' }))).body.volumes, []);
  assert.equal((await ts.call('cinder', 'GET', `/v3/${t.projectId}/volumes/${id}`, { token: t.token })).status, 404);
});
