import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { settleAll } from '../../src/engine/limits.js';
import { SiteLimits } from '../../src/engine/index.js';

test('a site limit holds across callers, per site and service, first come first served', async () => {
  const limits = new SiteLimits({ nova: 2, cinder: 5, neutron: 5, array: 1 });
  let running = 0;
  let most = 0;
  const order: number[] = [];
  const unit = (i: number) => limits.run('site-b', 'nova', async () => {
    running++;
    most = Math.max(most, running);
    await sleep(5);
    order.push(i);
    running--;
    return i;
  });
  // Another site's Nova is not held back by site-b's.
  const other = limits.run('site-c', 'nova', async () => 'c');
  assert.deepEqual(await Promise.all([1, 2, 3, 4, 5].map(unit)), [1, 2, 3, 4, 5]);
  assert.equal(await other, 'c');
  assert.equal(most, 2);
  assert.deepEqual(order, [1, 2, 3, 4, 5]);
  assert.equal(limits.peak.get('site-b|nova'), 2);
  assert.deepEqual(limits.usage()['site-b|nova'], { running: 0, queued: 0 });
});

test('a failing unit frees its slot', async () => {
  const limits = new SiteLimits({ nova: 1, cinder: 1, neutron: 1, array: 1 });
  await assert.rejects(limits.run('s', 'array', async () => Promise.reject(new Error('array said no'))), /array said no/);
  assert.equal(await limits.run('s', 'array', async () => 'next'), 'next');
});

test('settleAll waits for every unit before throwing the first failure', async () => {
  const finished: string[] = [];
  await assert.rejects(
    settleAll(['fails', 'slow'], async (x) => {
      if (x === 'fails') throw new Error('first failure');
      await sleep(20);
      finished.push(x);
    }),
    /first failure/,
  );
  assert.deepEqual(finished, ['slow'], 'the slow unit had finished when settleAll threw');
  assert.deepEqual(await settleAll([1, 2, 3], async (x) => x * 2), [2, 4, 6]);
});
