import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../src/http/errors.js';
import { atLeast, negotiate, versionHeaders } from '../../src/http/microversion.js';

const nova = { serviceType: 'compute', legacyHeader: 'X-OpenStack-Nova-API-Version', min: '2.1', max: '2.90' };

test('no header means the minimum', () => {
  assert.deepEqual(negotiate({}, nova), { major: 2, minor: 1 });
});

test('the standard header wins over the legacy one; latest is the maximum', () => {
  const v = negotiate({ 'openstack-api-version': 'compute 2.47', 'x-openstack-nova-api-version': '2.10' }, nova);
  assert.ok(atLeast(v, '2.47') && !atLeast(v, '2.48'));
  assert.deepEqual(negotiate({ 'x-openstack-nova-api-version': 'latest' }, nova), { major: 2, minor: 90 });
  // another service's entry is ignored
  assert.deepEqual(negotiate({ 'openstack-api-version': 'volume 3.50' }, nova), { major: 2, minor: 1 });
});

test('out of range is 406 and garbage is 400', () => {
  assert.throws(() => negotiate({ 'openstack-api-version': 'compute 2.200' }, nova), (e: ApiError) => e.status === 406 && /maximum is 2.90/.test(e.message));
  assert.throws(() => negotiate({ 'openstack-api-version': 'compute two' }, nova), (e: ApiError) => e.status === 400);
});

test('responses echo the version and vary on both headers', () => {
  const h = versionHeaders({ major: 2, minor: 47 }, nova);
  assert.equal(h['OpenStack-API-Version'], 'compute 2.47');
  assert.equal(h['X-OpenStack-Nova-API-Version'], '2.47');
  assert.match(h.Vary!, /X-OpenStack-Nova-API-Version/);
});
