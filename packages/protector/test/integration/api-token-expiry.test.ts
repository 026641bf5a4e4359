// A token past its expiry is refused even though Keystone issued it: keystonemiddleware's rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@protector/cloudsim';
import { startApi } from '../helpers/api.js';

const clock = new ManualClock(Date.now());
const h = await startApi({ cacheSeconds: 0, clock });

test('an expired token is a 401', async () => {
  const token = await h.token('admin');
  assert.equal((await h.call('GET', '/v1/admin/sites', { token })).status, 200);
  // cloudsim issues tokens for an hour; two hours later Keystone no longer validates it.
  clock.advance(2 * 3600 * 1000);
  const r = await h.call<{ error: { code: number } }>('GET', '/v1/admin/sites', { token });
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, 401);
});
