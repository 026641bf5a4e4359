import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, DependencyWatch } from '../../src/service/dependency-watch.js';
import { captureLog } from '../helpers/db-outage.js';

test('an outage is one warning when it begins and one line when it ends, however many calls fail', () => {
  let t = 1000;
  const log = captureLog();
  const w = new DependencyWatch('database', log, () => t);
  w.ok(); // nothing to end
  for (let i = 0; i < 50; i++) w.failed(new Error('connect ECONNREFUSED 127.0.0.1:3306'));
  assert.ok(w.down);
  t += 20_500;
  w.ok();
  w.ok();
  assert.equal(w.down, false);
  assert.deepEqual(log.lines.map((l) => [l.level, l.msg]), [
    ['warn', 'database unreachable: connect ECONNREFUSED 127.0.0.1:3306; retrying with back-off'],
    ['info', 'database reachable again after 20.5 s'],
  ]);
  assert.deepEqual(log.lines[1]?.obj, { dependency: 'database', outage_ms: 20_500 });
  w.failed(new Error('again'), 'waiting for it');
  assert.equal(log.lines.length, 3, 'the next outage is logged again');
  assert.equal(log.lines[2]?.msg, 'database unreachable: again; waiting for it');
});

test('back-off doubles from the first delay up to the longest', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 60].map((a) => backoffDelay(a, 1000, 10_000)), [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
});

test('a call that began before the outage was noticed does not end it', () => {
  const lines: string[] = [];
  let now = 1000;
  const w = new DependencyWatch('database', { warn: (_o, m) => void lines.push(`warn ${m}`), info: (_o, m) => void lines.push(`info ${m}`) }, () => now);
  const early = w.time();
  now = 2000;
  w.failed(new Error('ECONNREFUSED'));
  now = 2500;
  w.ok(early); // finished during the outage, but was sent before it: proves nothing
  assert.equal(w.down, true);
  now = 3000;
  const late = w.time();
  now = 3100;
  w.ok(late);
  assert.equal(w.down, false);
  assert.deepEqual(lines, ['warn database unreachable: ECONNREFUSED; retrying with back-off', 'info database reachable again after 1.1 s']);
});
