import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../src/http/errors.js';
import { FaultSwitch, parseFaultArg } from '../../src/sim/faults.js';

test('a service fault combines with the site-wide one', async () => {
  const downs: string[] = [];
  const f = new FaultSwitch(async (s, down) => void (down && downs.push(s)));
  await f.set('nova', { latency_ms: 10, error_rate: 0.1 });
  await f.set('all', { latency_ms: 5, error_rate: 0.5 });
  assert.deepEqual(f.effective('nova'), { down: false, error_rate: 0.5, latency_ms: 15 });
  await f.set('all', { down: true });
  assert.deepEqual(downs.sort(), ['cinder', 'glance', 'keystone', 'neutron', 'nova']);
});

test('error rate injects 503s by the random draw', async () => {
  let draw = 0.3;
  const f = new FaultSwitch(undefined, () => draw);
  await f.set('cinder', { error_rate: 0.5 });
  await assert.rejects(f.apply('cinder'), (e: ApiError) => e.status === 503);
  draw = 0.7;
  await f.apply('cinder');
});

test('bad switches are refused naming the field', async () => {
  const f = new FaultSwitch();
  await assert.rejects(f.set('swift', { down: true }), /service: unknown service 'swift'/);
  await assert.rejects(f.set('nova', { error_rate: 2 }), /error_rate/);
  await assert.rejects(f.set('nova', { latency_ms: -1 }), /latency_ms/);
});

test('command-line faults parse', () => {
  assert.deepEqual(parseFaultArg('nova:down'), { target: 'nova', change: { down: true } });
  assert.deepEqual(parseFaultArg('all:latency_ms=20'), { target: 'all', change: { latency_ms: 20 } });
  assert.deepEqual(parseFaultArg('cinder:error_rate=0.25'), { target: 'cinder', change: { error_rate: 0.25 } });
  assert.throws(() => parseFaultArg('nova'), /expected SERVICE:down/);
});

test('boot faults match server names by * glob, newest message per pattern, and clear', async () => {
  const f = new FaultSwitch();
  assert.equal(f.bootFailure('app-2'), undefined);
  f.failBoots('app-2*', 'injected');
  f.failBoots('db.1');
  assert.equal(f.bootFailure('app-2'), 'No valid host was found. injected');
  assert.equal(f.bootFailure('app-20-x'), 'No valid host was found. injected');
  assert.equal(f.bootFailure('app-1'), undefined);
  assert.equal(f.bootFailure('xapp-2'), undefined);
  // Only * is special: the dot is literal.
  assert.equal(f.bootFailure('db.1'), 'No valid host was found. There are not enough hosts available.');
  assert.equal(f.bootFailure('dbx1'), undefined);
  f.failBoots('app-2*', 'again');
  assert.deepEqual(f.bootFaults(), [
    { name_pattern: 'db.1', message: 'There are not enough hosts available.' },
    { name_pattern: 'app-2*', message: 'again' },
  ]);
  f.clearBoots();
  assert.deepEqual(f.bootFaults(), []);
  f.failBoots('*');
  await f.clear();
  assert.equal(f.bootFailure('anything'), undefined);
});

test('bad boot faults are refused naming the field', () => {
  const f = new FaultSwitch();
  assert.throws(() => f.failBoots(''), /name_pattern/);
  assert.throws(() => f.failBoots(42 as unknown as string), /name_pattern/);
  assert.throws(() => f.failBoots('a*', 7 as unknown as string), /message/);
});
