// Names accepted wherever ids are, as the OpenStack client resolves them: an id first, then
// exactly one object of that name; ambiguity lists the matches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findByRef, LookupError } from '../../src/coordinator/index.js';


const A = { id: '11111111-1111-4111-8111-111111111111', name: 'web' };
const B = { id: '22222222-2222-4222-8222-222222222222', name: 'web' };
const C = { id: '33333333-3333-4333-8333-333333333333', name: 'web-2' };
const lookup = (items: (typeof A)[]) => ({
  kind: 'server',
  where: 'in the project on site-a',
  get: async (id: string) => {
    const x = items.find((i) => i.id === id);
    if (!x) throw Object.assign(new Error('404'), { status: 404 });
    return x;
  },
  // As Nova's regex filter: more than the exact name may come back.
  named: async (name: string) => items.filter((i) => i.name.startsWith(name)),
  notFound: (e: unknown) => (e as { status?: number }).status === 404,
});

test('an id is taken as an id; a name must match exactly one', async () => {
  assert.equal(await findByRef(C.id, lookup([A, C])), C);
  assert.equal(await findByRef('web', lookup([A, C])), A, 'web-2 does not count for web');
});

test('an ambiguous name lists the matches; an unknown one names what and where', async () => {
  await assert.rejects(findByRef('web', lookup([A, B, C])), (e: unknown) => e instanceof LookupError && e.message === `more than one server is named 'web' in the project on site-a (${A.id}, ${B.id}); use its id`);
  await assert.rejects(findByRef('db', lookup([A])), (e: unknown) => e instanceof LookupError && e.message === "no server 'db' in the project on site-a");
  await assert.rejects(findByRef('44444444-4444-4444-8444-444444444444', lookup([A])), /no server '44444444/, 'an unknown id is looked up as a name too');
});

test('errors other than not found are not hidden', async () => {
  const l = { ...lookup([A]), get: async () => Promise.reject(new Error('site-a Nova is unreachable')) };
  await assert.rejects(findByRef(A.id, l), /Nova is unreachable/);
});
