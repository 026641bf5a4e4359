import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ArrayModel } from '../../src/index.js';
import type { ArrayRestClient } from '../../src/rest/index.js';
import { ManualClock } from '../../src/clock.js';
import { assertError, names, serveLoggedIn, type List } from '../helpers/rest.js';

// Volumes and volume snapshots over the FlashArray REST face, with list paging and filters.

const MiB = 1024 * 1024;
const clock = new ManualClock();
const model = ArrayModel.open(':memory:', clock);

interface Vol {
  id: string;
  name: string;
  provisioned: number;
  destroyed: boolean;
  time_remaining: number | null;
  serial: string;
  source: { name: string } | null;
}

model.createArray('fa-a');
const [c] = (await serveLoggedIn(model, ['fa-a'], clock)) as [ArrayRestClient];
after(() => model.close());

test('create, read, resize, rename, destroy, recover and eradicate a volume', async () => {
  const made = await c.call<List<Vol>>('POST', 'volumes', { query: { names: 'v1' }, body: { provisioned: 10 * MiB } });
  assert.equal(made.status, 200, made.text);
  const v = made.body.items[0]!;
  assert.equal(v.name, 'v1');
  assert.equal(v.provisioned, 10 * MiB);
  assert.equal(v.destroyed, false);
  assert.match(v.serial, /^[0-9A-F]{24}$/);
  assert.equal(v.id, model.getVolume('fa-a', 'v1').id);

  const got = await c.call<List<Vol>>('GET', 'volumes', { query: { names: 'v1' } });
  assert.deepEqual(names(got.body), ['v1']);
  assert.equal(got.body.more_items_remaining, false);
  assert.equal(got.body.continuation_token, null);

  const byId = await c.call<List<Vol>>('GET', 'volumes', { query: { ids: v.id } });
  assert.deepEqual(names(byId.body), ['v1']);

  const grown = await c.call<List<Vol>>('PATCH', 'volumes', { query: { names: 'v1' }, body: { provisioned: 20 * MiB } });
  assert.equal(grown.body.items[0]?.provisioned, 20 * MiB);
  assertError(await c.call('PATCH', 'volumes', { query: { names: 'v1' }, body: { provisioned: MiB } }), 400, 'v1', /truncate/);
  const shrunk = await c.call<List<Vol>>('PATCH', 'volumes', { query: { names: 'v1', truncate: true }, body: { provisioned: 4 * MiB } });
  assert.equal(shrunk.body.items[0]?.provisioned, 4 * MiB);

  const renamed = await c.call<List<Vol>>('PATCH', 'volumes', { query: { names: 'v1' }, body: { name: 'v1b' } });
  assert.equal(renamed.body.items[0]?.name, 'v1b');
  assert.equal(model.getVolume('fa-a', 'v1b').id, v.id);

  assertError(await c.call('DELETE', 'volumes', { query: { names: 'v1b' } }), 400, 'v1b', /destroyed/);
  const destroyed = await c.call<List<Vol>>('PATCH', 'volumes', { query: { ids: v.id }, body: { destroyed: true } });
  assert.equal(destroyed.body.items[0]?.destroyed, true);
  assert.equal(destroyed.body.items[0]?.time_remaining, 24 * 3600 * 1000);
  const listed = await c.call<List<Vol>>('GET', 'volumes', { query: { destroyed: true } });
  assert.deepEqual(names(listed.body), ['v1b']);
  const live = await c.call<List<Vol>>('GET', 'volumes', { query: { destroyed: false } });
  assert.ok(!names(live.body).includes('v1b'));

  const recovered = await c.call<List<Vol>>('PATCH', 'volumes', { query: { names: 'v1b' }, body: { destroyed: false } });
  assert.equal(recovered.body.items[0]?.destroyed, false);
  await c.call('PATCH', 'volumes', { query: { names: 'v1b' }, body: { destroyed: true } });
  const gone = await c.call('DELETE', 'volumes', { query: { names: 'v1b' } });
  assert.equal(gone.status, 200);
  assert.equal(gone.text, '');
  assertError(await c.call('GET', 'volumes', { query: { names: 'v1b' } }), 400, 'v1b', /does not exist/);
});

test('copy a volume and a volume snapshot, and overwrite an existing volume', async () => {
  model.createVolume('fa-a', 'src', MiB);
  model.writeVolume('fa-a', 'src', 0, Buffer.from('original'));
  const snap = await c.call<List<{ name: string; source: { name: string }; suffix: string }>>('POST', 'volume-snapshots', {
    query: { source_names: 'src' },
    body: { suffix: 'before' },
  });
  assert.equal(snap.status, 200, snap.text);
  assert.equal(snap.body.items[0]?.name, 'src.before');
  assert.deepEqual(snap.body.items[0]?.source, { name: 'src' });
  model.writeVolume('fa-a', 'src', 0, Buffer.from('changed!'));

  const copy = await c.call<List<Vol>>('POST', 'volumes', { query: { names: 'copy' }, body: { source: { name: 'src.before' } } });
  assert.equal(copy.status, 200, copy.text);
  assert.deepEqual(copy.body.items[0]?.source, { name: 'src.before' });
  assert.equal(model.readVolume('fa-a', 'copy', 0, 8).toString(), 'original');

  assertError(await c.call('POST', 'volumes', { query: { names: 'copy' }, body: { source: { name: 'src' } } }), 400, 'copy', /already exists/);
  const over = await c.call<List<Vol>>('POST', 'volumes', { query: { names: 'copy', overwrite: true }, body: { source: { name: 'src' } } });
  assert.equal(over.status, 200, over.text);
  assert.equal(model.readVolume('fa-a', 'copy', 0, 8).toString(), 'changed!');
  assertError(await c.call('POST', 'volumes', { query: { names: 'x' }, body: { source: { name: 'nope.snap' } } }), 400, 'x', /does not exist/);
});

test('volume snapshots: list by source, destroy, eradicate', async () => {
  model.createVolume('fa-a', 'sv', MiB);
  await c.call('POST', 'volume-snapshots', { query: { source_names: 'sv' } });
  await c.call('POST', 'volume-snapshots', { query: { source_names: 'sv' }, body: { suffix: 'b' } });
  const l = await c.call<List<{ name: string; destroyed: boolean }>>('GET', 'volume-snapshots', { query: { source_names: 'sv' } });
  assert.deepEqual(names(l.body), ['sv.1', 'sv.b']);
  assertError(await c.call('DELETE', 'volume-snapshots', { query: { names: 'sv.1' } }), 400, 'sv.1', /destroyed/);
  const d = await c.call<List<{ destroyed: boolean }>>('PATCH', 'volume-snapshots', { query: { names: 'sv.1' }, body: { destroyed: true } });
  assert.equal(d.body.items[0]?.destroyed, true);
  const destroyed = await c.call<List<{ name: string }>>('GET', 'volume-snapshots', { query: { destroyed: true } });
  assert.deepEqual(names(destroyed.body), ['sv.1']);
  assert.equal((await c.call('DELETE', 'volume-snapshots', { query: { names: 'sv.1' } })).status, 200);
  assertError(await c.call('GET', 'volume-snapshots', { query: { names: 'sv.1' } }), 400, 'sv.1');
  await c.call('PATCH', 'volume-snapshots', { query: { names: 'sv.b' }, body: { destroyed: true } });
  const back = await c.call<List<{ destroyed: boolean; time_remaining: number | null }>>('PATCH', 'volume-snapshots', { query: { names: 'sv.b' }, body: { destroyed: false } });
  assert.deepEqual([back.body.items[0]?.destroyed, back.body.items[0]?.time_remaining], [false, null]);
  assertError(await c.call('POST', 'volume-snapshots', { query: { source_names: 'missing' } }), 400, 'missing');
  assertError(await c.call('POST', 'volume-snapshots', {}), 400, 'source_names');
  assertError(await c.call('POST', 'volume-snapshots', { query: { source_names: 'sv' }, body: { suffix: 'bad.suffix' } }), 400, 'sv');
});

test('bad bodies and parameters answer 400 naming the field, never 500', async () => {
  const bad: [Record<string, string | number | boolean>, unknown, string][] = [
    [{ names: 'b1' }, { provisioned: '1048576' }, 'provisioned'],
    [{ names: 'b1' }, { provisioned: 1.5 }, 'provisioned'],
    [{ names: 'b1' }, { provisioned: -512 }, 'provisioned'],
    [{ names: 'b1' }, { provisioned: 1000 }, 'b1'],
    [{ names: 'b1' }, { provisioned: MiB, colour: 'red' }, 'colour'],
    [{ names: 'b1' }, { source: { name: 7 } }, 'source.name'],
    [{ names: 'b1' }, { source: 'src' }, 'source'],
    [{ names: 'b1' }, {}, 'provisioned'],
    [{ names: 'b1' }, [1, 2], 'body'],
    [{}, { provisioned: MiB }, 'names'],
    [{ names: 'bad name!' }, { provisioned: MiB }, 'bad name!'],
    [{ names: 'x'.repeat(300) }, { provisioned: MiB }, 'x'.repeat(300)],
    [{ names: 'b1' }, { source: { name: 'y'.repeat(5000) } }, 'source.name'],
  ];
  for (const [query, body, context] of bad) {
    const a = await c.call('POST', 'volumes', { query, body });
    assertError(a, 400, context);
  }
  assertError(await c.call('POST', 'volumes', { query: { names: 'b1' }, body: '{"provisioned": ' }), 400, 'body');
  assertError(await c.call('PATCH', 'volumes', { query: { names: 'b1' }, body: { destroyed: 'yes' } }), 400, 'destroyed');
  assertError(await c.call('PATCH', 'volumes', { query: { names: 'nope' }, body: { destroyed: true } }), 400, 'nope');
  assertError(await c.call('PATCH', 'volumes', { query: { ids: 'no-such-id' }, body: { destroyed: true } }), 400, 'no-such-id');
  assertError(await c.call('PATCH', 'volumes', { query: { names: 'a', ids: 'b' }, body: {} }), 400, 'ids');
  assertError(await c.call('DELETE', 'volumes'), 400, 'names');
  assertError(await c.call('POST', 'volumes', { query: { names: 'b1' }, body: 'provisioned=1', headers: { 'Content-Type': 'text/plain' } }), 400, 'body');
  assertError(await c.call('POST', 'volumes', { query: { names: 'b1' }, body: { provisioned: MiB, pad: 'z'.repeat(2 * MiB) } }), 413, 'body');
  model.createVolume('fa-a', 'r1', MiB);
  model.createVolume('fa-a', 'r2', MiB);
  assertError(await c.call('PATCH', 'volumes', { query: { names: 'r1,r2' }, body: { name: 'r3' } }), 400, 'names');
  assert.equal(model.listVolumes('fa-a').some((v) => v.name === 'b1'), false);
});

test('limit and continuation_token page through a list; total_item_count on request', async () => {
  for (let i = 0; i < 7; i++) model.createVolume('fa-a', `page-${i}`, MiB);
  const seen: string[] = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const query: Record<string, string | number | boolean> = { filter: "name='page-*'", limit: 3, total_item_count: true };
    // pypureclient sends the token back quoted.
    if (token) query.continuation_token = `'${token}'`;
    const a: { status: number; body: List<Vol> } = await c.call<List<Vol>>('GET', 'volumes', { query });
    assert.equal(a.status, 200);
    assert.equal(a.body.total_item_count, 7);
    assert.ok(a.body.items.length <= 3);
    seen.push(...names(a.body));
    token = a.body.continuation_token;
    assert.equal(a.body.more_items_remaining, token !== null);
    pages++;
  } while (token);
  assert.equal(pages, 3);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6].map((i) => `page-${i}`));

  const first = await c.call<List<Vol>>('GET', 'volumes', { query: { filter: "name='page-*'", limit: 2 } });
  const tok = first.body.continuation_token!;
  assertError(await c.call('GET', 'volumes', { query: { filter: "name='other*'", continuation_token: tok } }), 400, 'continuation_token');
  assertError(await c.call('GET', 'volumes', { query: { continuation_token: 'garbage' } }), 400, 'continuation_token');
  assertError(await c.call('GET', 'volumes', { query: { continuation_token: tok, offset: 1, filter: "name='page-*'" } }), 400, 'continuation_token');

  const count = await c.call<List<Vol>>('GET', 'volumes', { query: { filter: "name='page-*'", limit: 0 } });
  assert.equal(count.body.total_item_count, 7);
  assert.deepEqual(count.body.items, []);
  const off = await c.call<List<Vol>>('GET', 'volumes', { query: { filter: "name='page-*'", offset: 5 } });
  assert.deepEqual(names(off.body), ['page-5', 'page-6']);
  assert.equal(off.body.total_item_count, null);
});

test('filter: equality, wildcards, destroyed, and/or, not, comparisons, in-lists', async () => {
  model.createVolume('fa-a', 'f-small', MiB);
  model.createVolume('fa-a', 'f-big', 64 * MiB);
  model.createVolume('fa-a', 'f-gone', MiB);
  model.destroyVolume('fa-a', 'f-gone');
  const q = async (filter: string) => names((await c.call<List<Vol>>('GET', 'volumes', { query: { filter } })).body);
  assert.deepEqual(await q("name='f-small'"), ['f-small']);
  assert.deepEqual(await q("name='f-*'"), ['f-big', 'f-gone', 'f-small']);
  assert.deepEqual(await q("name='f-*' and destroyed='true'"), ['f-gone']);
  assert.deepEqual(await q("name='f-*' and destroyed=false"), ['f-big', 'f-small']);
  assert.deepEqual(await q("name='f-small' or name='f-big'"), ['f-big', 'f-small']);
  assert.deepEqual(await q("(name='f-small' or name='f-gone') and destroyed='false'"), ['f-small']);
  assert.deepEqual(await q("name='f-*' and not(destroyed='true')"), ['f-big', 'f-small']);
  assert.deepEqual(await q(`name='f-*' and provisioned>${MiB}`), ['f-big']);
  assert.deepEqual(await q("name=('f-big','f-gone')"), ['f-big', 'f-gone']);
  assert.deepEqual(await q("contains(name,'sma')"), ['f-small']);
  assert.deepEqual(await q("name!='f-*' and name='f-big'"), []);
  for (const bad of ["name='unterminated", 'name=', "name='a' and", "(name='a'", "name='a' xor name='b'", '1bad=2']) {
    assertError(await c.call('GET', 'volumes', { query: { filter: bad } }), 400, 'filter');
  }
});

test('sort by a field, descending with -, and by several fields', async () => {
  model.createVolume('fa-a', 's-a', 2 * MiB);
  model.createVolume('fa-a', 's-b', MiB);
  model.createVolume('fa-a', 's-c', 2 * MiB);
  const q = async (sort: string) => names((await c.call<List<Vol>>('GET', 'volumes', { query: { filter: "name='s-*'", sort } })).body);
  assert.deepEqual(await q('name-'), ['s-c', 's-b', 's-a']);
  assert.deepEqual(await q('provisioned,name-'), ['s-b', 's-c', 's-a']);
  assert.deepEqual(await q('provisioned-,name'), ['s-a', 's-c', 's-b']);
  assertError(await c.call('GET', 'volumes', { query: { sort: 'colour' } }), 400, 'sort');
});
