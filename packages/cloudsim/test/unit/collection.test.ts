import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Collection } from '../../src/store/collection.js';
import { openDatabase } from '@protector/arraysim';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Thing {
  id: string;
  project_id: string;
  n: number;
}

test('documents keep insertion order, scope and updates', () => {
  const c = new Collection<Thing>(openDatabase(':memory:'), 'things', 'project_id');
  c.insert({ id: 'b', project_id: 'p1', n: 1 });
  c.insert({ id: 'a', project_id: 'p2', n: 2 });
  c.insert({ id: 'c', project_id: 'p1', n: 3 });
  assert.deepEqual(c.list().map((t) => t.id), ['b', 'a', 'c']);
  assert.deepEqual(c.list(undefined, 'p1').map((t) => t.id), ['b', 'c']);
  c.update('a', (t) => (t.project_id = 'p1'));
  assert.deepEqual(c.list((t) => t.n > 1, 'p1').map((t) => t.id), ['a', 'c']);
  assert.equal(c.delete('a'), true);
  assert.equal(c.get('a'), undefined);
  assert.equal(c.count(), 2);
});

test('state survives reopening the file', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'cloudsim-')), 'state.db');
  const db = openDatabase(path);
  new Collection<Thing>(db, 'things').insert({ id: 'x', project_id: 'p', n: 7 });
  db.close();
  assert.equal(new Collection<Thing>(openDatabase(path), 'things').get('x')?.n, 7);
});

test('a ref field is looked up by index and follows updates', () => {
  const c = new Collection<Thing & { device: string }>(openDatabase(':memory:'), 'ports', 'project_id', 'device');
  c.insert({ id: 'p1', project_id: 'a', n: 1, device: 'vm-1' });
  c.insert({ id: 'p2', project_id: 'a', n: 2, device: 'vm-2' });
  c.update('p2', (p) => (p.device = 'vm-1'));
  assert.deepEqual(c.listByRef('vm-1').map((p) => p.id), ['p1', 'p2']);
  assert.deepEqual(c.listByRef('vm-2'), []);
});
