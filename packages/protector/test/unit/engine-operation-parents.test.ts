// A bulk action's parent state from its children's (engine/operation-parents.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parentState } from '../../src/engine/operation-parents.js';

const child = (status: string, o: { progress?: number; started?: number | null; finished?: number | null; error?: string; pg?: string } = {}) => ({
  id: `op-${status}`,
  pg_id: o.pg ?? `pg-${status}`,
  status,
  progress: o.progress ?? 0,
  error: o.error ?? null,
  started_at: o.started === undefined ? 10 : o.started,
  finished_at: o.finished === undefined ? null : o.finished,
});

test('pending until a child starts, running until every child has ended, progress the mean (never 100 before the end)', () => {
  assert.deepEqual(parentState([child('pending', { started: null }), child('pending', { started: null })]).status, 'pending');
  const r = parentState([child('running', { progress: 50, started: 20 }), child('pending', { started: null }), child('completed', { started: 15, finished: 30 })]);
  assert.deepEqual([r.status, r.progress, r.started_at, r.finished_at], ['running', 50, 15, null]);
  assert.equal(parentState([child('running', { progress: 100 }), child('completed', { finished: 5 })]).progress, 99);
});

test('ended: the common end when the children agree, partial when some came through, failed when none did', () => {
  const ended = (...s: string[]) => parentState(s.map((x, i) => ({ ...child(x, { finished: 100 + i, pg: `pg-${i}` }), id: `op-${i}` })));
  assert.deepEqual([ended('completed', 'completed').status, ended('completed', 'completed').progress, ended('completed', 'completed').error], ['completed', 100, null]);
  assert.equal(ended('cancelled', 'cancelled').status, 'cancelled');
  assert.equal(ended('rolled_back', 'rolled_back').status, 'rolled_back');
  assert.equal(ended('completed', 'failed').status, 'partial');
  assert.equal(ended('partial', 'rolled_back').status, 'partial');
  assert.equal(ended('failed', 'rolled_back', 'cancelled').status, 'failed');
  const r = ended('completed', 'failed', 'failed');
  assert.equal(r.finished_at, 102, 'the last child to end');
  assert.deepEqual(r.counts, { completed: 1, failed: 2 });
  assert.match(r.error ?? '', /^2 of 3 protection groups did not complete: pg-1 failed; pg-2 failed$/);
  const many = ended(...Array.from({ length: 8 }, () => 'failed'));
  assert.match(many.error ?? '', /; and 3 more$/);
});
