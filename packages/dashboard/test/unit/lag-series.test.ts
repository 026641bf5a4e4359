// The overview's lag series comes from recovery points alone: t minus the creation of the newest
// point transferred by t, a sawtooth given by its corners.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lagSeries } from '../../src/server/lag-series.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
const rp = (createdMin: number, doneMin: number) => ({ created_at: at(createdMin), completed_at: at(doneMin) });
const lags = (s: ReturnType<typeof lagSeries>) => s.map((p) => [(Date.parse(p.t) - T0) / 60_000, p.lag_seconds / 60]);

test('a point every 10 minutes, transferred in 1: lag grows to 11 min, drops to 1 min at each transfer', () => {
  const points = [rp(-15, -14), rp(-5, -4), rp(5, 6), rp(15, 16)];
  assert.deepEqual(lags(lagSeries(points, T0, T0 + 20 * 60_000)), [
    [0, 5], // the window opens with the point from -5 min
    [6, 11],
    [6, 1],
    [16, 11],
    [16, 1],
    [20, 5],
  ]);
});

test('before the oldest point kept nothing is known; a point transferred after the window end does not count', () => {
  const s = lagSeries([rp(10, 12), rp(25, 40)], T0, T0 + 30 * 60_000);
  assert.deepEqual(lags(s), [
    [12, 2],
    [30, 20],
  ]);
});

test('no point, no series; a late-transferred older point never raises the lag', () => {
  assert.deepEqual(lagSeries([], T0, T0 + 60_000), []);
  // Created at 2, done at 20; created at 5, done at 8: at 20 the newest is still the one from 5.
  assert.deepEqual(lags(lagSeries([rp(2, 20), rp(5, 8)], T0, T0 + 30 * 60_000)), [
    [8, 3],
    [30, 25],
  ]);
});
