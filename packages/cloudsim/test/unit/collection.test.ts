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

test('views are shared and frozen; get and list give copies to change and put back', () => {
  const c = new Collection<Thing & { tags: string[] }>(openDatabase(':memory:'), 'things', 'project_id');
  c.insert({ id: 'a', project_id: 'p', n: 1, tags: ['x'] });
  const view = c.view('a')!;
  assert.equal(c.view('a'), view, 'one shared document while nothing changes');
  assert.throws(() => ((view as Thing).n = 2), TypeError);
  assert.throws(() => (view.tags as string[]).push('y'), TypeError);
  const copy = c.get('a')!;
  copy.tags.push('y');
  assert.deepEqual(c.view('a')!.tags, ['x'], 'changing a copy leaves the store alone');
  c.put(copy);
  assert.deepEqual(c.view('a')!.tags, ['x', 'y']);
  assert.deepEqual(c.list()[0]!.tags, ['x', 'y']);
  assert.notEqual(c.list()[0], c.view('a'));
});

test('a rolled-back transaction leaves no trace in what the collection shows', () => {
  const db = openDatabase(':memory:');
  const c = new Collection<Thing>(db, 'things', 'project_id');
  c.insert({ id: 'a', project_id: 'p', n: 1 });
  assert.equal(c.views(undefined, 'p').length, 1);
  const failing = db.transaction(() => {
    c.insert({ id: 'b', project_id: 'p', n: 2 });
    c.update('a', (t) => (t.n = 10));
    assert.equal(c.view('a')?.n, 10, 'inside the transaction its writes show');
    assert.deepEqual(c.views(undefined, 'p').map((t) => t.id), ['a', 'b']);
    throw new Error('boom');
  });
  assert.throws(failing, /boom/);
  assert.equal(c.view('b'), undefined);
  assert.equal(c.view('a')?.n, 1);
  assert.deepEqual(c.views(undefined, 'p').map((t) => t.id), ['a']);
  assert.equal(c.count(), 1);
  // A later write starts from the real state, not the rolled-back one.
  c.insert({ id: 'c', project_id: 'p', n: 3 });
  assert.deepEqual(c.list(undefined, 'p').map((t) => [t.id, t.n]), [['a', 1], ['c', 3]]);
});

test("another connection's writes show from the next turn of the event loop", async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'cloudsim-')), 'state.db');
  const mine = new Collection<Thing>(openDatabase(path), 'things', 'project_id');
  const theirs = new Collection<Thing>(openDatabase(path), 'things', 'project_id');
  mine.insert({ id: 'a', project_id: 'p', n: 1 });
  mine.insert({ id: 'b', project_id: 'p', n: 2 });
  await Promise.resolve();
  assert.equal(theirs.view('a')?.n, 1);
  const before = mine.view('b');
  theirs.update('a', (t) => (t.n = 5));
  theirs.insert({ id: 'c', project_id: 'q', n: 3 });
  theirs.delete('b');
  await Promise.resolve();
  assert.equal(mine.view('a')?.n, 5);
  assert.equal(mine.view('b'), undefined);
  assert.deepEqual(mine.views().map((t) => t.id), ['a', 'c']);
  assert.deepEqual(mine.views(undefined, 'q').map((t) => t.id), ['c']);
  assert.equal(before?.n, 2, 'a view already handed out stays as it was');
});

test('documents moving between scope and ref groups keep insertion order', () => {
  const c = new Collection<Thing & { device: string }>(openDatabase(':memory:'), 'ports', 'project_id', 'device');
  c.insert({ id: 'p1', project_id: 'a', n: 1, device: '' });
  c.insert({ id: 'p2', project_id: 'b', n: 2, device: 'vm' });
  c.insert({ id: 'p3', project_id: 'a', n: 3, device: 'vm' });
  assert.deepEqual(c.viewsByRef('vm').map((p) => p.id), ['p2', 'p3']);
  assert.deepEqual(c.views(undefined, 'a').map((p) => p.id), ['p1', 'p3']);
  c.update('p1', (p) => {
    p.device = 'vm';
    p.project_id = 'b';
  });
  c.insert({ id: 'p4', project_id: 'b', n: 4, device: 'vm' });
  assert.deepEqual(c.viewsByRef('vm').map((p) => p.id), ['p1', 'p2', 'p3', 'p4']);
  assert.deepEqual(c.views(undefined, 'b').map((p) => p.id), ['p1', 'p2', 'p4']);
  c.delete('p2');
  assert.deepEqual(c.viewsByRef('vm').map((p) => p.id), ['p1', 'p3', 'p4']);
  assert.deepEqual(c.views(undefined, 'a').map((p) => p.id), ['p3']);
});

test('a store written before revisions opens with its documents', () => {
  const db = openDatabase(':memory:');
  db.exec('CREATE TABLE old_things (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, scope TEXT, ref TEXT, data TEXT NOT NULL)');
  db.prepare('INSERT INTO old_things (id, scope, ref, data) VALUES (?, ?, ?, ?)').run('x', 'p', null, JSON.stringify({ id: 'x', project_id: 'p', n: 4 }));
  const c = new Collection<Thing>(db, 'old_things', 'project_id');
  assert.equal(c.view('x')?.n, 4);
  c.update('x', (t) => (t.n = 5));
  assert.deepEqual(c.views(undefined, 'p').map((t) => t.n), [5]);
});
