// RowMemo (api/row-memo.ts): a value made of a row is reused only for an identical row.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RowMemo, type Row } from '../../src/api/row-memo.js';

function counting() {
  let made = 0;
  const make = (row: Row) => `${++made}:${JSON.stringify(row)}`;
  return { make, made: () => made };
}

const row = { id: 'pg-1', status: 'active', metadata_version: 3, resources: '{"sites":{}}', active_operation_id: null, updated_at: 1000 };

test('the identical row, read again (a new object), reuses the value', () => {
  const memo = new RowMemo<string>();
  const c = counting();
  const first = memo.get('pg-1', { ...row }, c.make);
  assert.equal(memo.get('pg-1', { ...row }, c.make), first);
  assert.equal(c.made(), 1);
});

test('any column that differs makes a new value, whether or not updated_at moved', () => {
  const memo = new RowMemo<string>();
  const c = counting();
  memo.get('pg-1', { ...row }, c.make);
  const changes: Row[] = [
    { ...row, status: 'failing_over' },
    { ...row, resources: '{"sites":{"a":{}}}' },
    { ...row, metadata_version: 4 },
    { ...row, active_operation_id: 'op-1' },
    { ...row, active_operation_id: undefined },
    { ...row, updated_at: 1001 },
  ];
  for (const [i, changed] of changes.entries()) {
    const v = memo.get('pg-1', changed, c.make);
    assert.equal(v, `${i + 2}:${JSON.stringify(changed)}`, `change ${i} is seen`);
    // and the value now kept is the one of the changed row
    assert.equal(memo.get('pg-1', { ...changed }, c.make), v);
  }
  assert.equal(c.made(), changes.length + 1);
});

test('a column more or less is a different row', () => {
  const memo = new RowMemo<string>();
  const c = counting();
  memo.get('k', { ...row }, c.make);
  memo.get('k', { ...row, extra: null }, c.make);
  assert.equal(c.made(), 2);
  const { updated_at: _, ...fewer } = row;
  memo.get('k', fewer, c.make);
  assert.equal(c.made(), 3);
  memo.get('k', { ...row, extra: 1 }, c.make);
  memo.get('k', { ...row, other: 1 }, c.make);
  assert.equal(c.made(), 5);
});

test('values that are objects (a Date, a Buffer) are never taken as the same', () => {
  const memo = new RowMemo<string>();
  const c = counting();
  memo.get('k', { ...row, at: new Date(5) }, c.make);
  memo.get('k', { ...row, at: new Date(5) }, c.make);
  assert.equal(c.made(), 2);
});

test('keys keep apart what the row does not say (the secrets flag)', () => {
  const memo = new RowMemo<string>();
  const plain = memo.get('-pg-1', row, () => 'without secrets');
  const secret = memo.get('spg-1', row, () => 'with secrets');
  assert.equal(memo.get('-pg-1', row, () => 'again'), plain);
  assert.equal(memo.get('spg-1', row, () => 'again'), secret);
});

test('bounded: the least recently made entry goes first', () => {
  const memo = new RowMemo<string>(2);
  const c = counting();
  memo.get('a', row, c.make);
  memo.get('b', row, c.make);
  memo.get('c', row, c.make);
  assert.equal(memo.size, 2);
  memo.get('b', row, c.make);
  memo.get('c', row, c.make);
  assert.equal(c.made(), 3, 'b and c kept');
  memo.get('a', row, c.make);
  assert.equal(c.made(), 4, 'a was dropped');
});
