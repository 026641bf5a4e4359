import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { formatList, formatShow, OutputError, parseFormat } from '../../src/output/format.js';

const list = { columns: ['ID', 'Name', 'Members', 'Ready'], rows: [['a1', 'web "tier"', 2, true], ['b2', 'db', 0, false]] };

test('a list prints as the OpenStack client prints it, in every format', () => {
  assert.equal(
    formatList(list, { format: 'table' }),
    [
      '+----+------------+---------+-------+',
      '| ID | Name       | Members | Ready |',
      '+----+------------+---------+-------+',
      '| a1 | web "tier" | 2       | true  |',
      '| b2 | db         | 0       | false |',
      '+----+------------+---------+-------+',
    ].join('\n'),
  );
  assert.deepEqual(JSON.parse(formatList(list, { format: 'json' })), [
    { ID: 'a1', Name: 'web "tier"', Members: 2, Ready: true },
    { ID: 'b2', Name: 'db', Members: 0, Ready: false },
  ]);
  assert.deepEqual(parseYaml(formatList(list, { format: 'yaml' })), JSON.parse(formatList(list, { format: 'json' })));
  assert.equal(formatList(list, { format: 'value' }), 'a1 web "tier" 2 true\nb2 db 0 false');
  assert.equal(formatList(list, { format: 'csv' }), '"ID","Name","Members","Ready"\n"a1","web ""tier""",2,"true"\n"b2","db",0,"false"');
});

test('-c picks columns in the order given; an unknown one names the choices', () => {
  assert.equal(formatList(list, { format: 'value', columns: ['Name', 'ID'] }), 'web "tier" a1\ndb b2');
  assert.throws(() => formatList(list, { format: 'value', columns: ['Nope'] }), (e: unknown) => e instanceof OutputError && /-c Nope: no such column; choose from 'ID', 'Name', 'Members', 'Ready'/.test(e.message));
});

test('an empty list: nothing as a table, [] as json and yaml, the header as csv', () => {
  const empty = { columns: ['ID'], rows: [] };
  assert.equal(formatList(empty, { format: 'table' }), '');
  assert.equal(formatList(empty, { format: 'json' }), '[]');
  assert.equal(formatList(empty, { format: 'yaml' }), '[]');
  assert.equal(formatList(empty, { format: 'csv' }), '"ID"');
});

test('one object prints as Field | Value; nested values as JSON, string lists one per line', () => {
  const show = [['id', 'a1'], ['steps', [{ name: 'precheck' }]], ['reasons', ['link down', 'no recovery point']], ['rpo', null]] as const;
  assert.equal(
    formatShow(show, { format: 'table' }),
    [
      '+---------+-----------------------+',
      '| Field   | Value                 |',
      '+---------+-----------------------+',
      '| id      | a1                    |',
      '| steps   | [{"name":"precheck"}] |',
      '| reasons | link down             |',
      '|         | no recovery point     |',
      '| rpo     |                       |',
      '+---------+-----------------------+',
    ].join('\n'),
  );
  assert.deepEqual(JSON.parse(formatShow(show, { format: 'json' })), { id: 'a1', steps: [{ name: 'precheck' }], reasons: ['link down', 'no recovery point'], rpo: null });
  assert.equal(formatShow(show, { format: 'value', columns: ['id'] }), 'a1');
});

test('-f accepts only the known formats', () => {
  assert.equal(parseFormat('yaml'), 'yaml');
  assert.throws(() => parseFormat('xml'), /-f xml: invalid choice; choose from table, json, yaml, value, csv/);
});
