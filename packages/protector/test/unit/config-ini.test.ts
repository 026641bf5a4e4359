import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIni } from '../../src/config/ini.js';

const pairs = (text: string) => parseIni(text).entries.map((e) => [e.section, e.key, e.value, e.line]);

test('sections, = and : separators, values stripped, no inline comments', () => {
  const doc = parseIni(['[DEFAULT]', 'host =  node1  ', 'debug: true', '[api]', 'bind_host=0.0.0.0 # not a comment', 'k = a=b:c'].join('\n'));
  assert.deepEqual(doc.errors, []);
  assert.deepEqual(doc.entries.map((e) => [e.section, e.key, e.value, e.line]), [
    ['DEFAULT', 'host', 'node1', 2],
    ['DEFAULT', 'debug', 'true', 3],
    ['api', 'bind_host', '0.0.0.0 # not a comment', 5],
    ['api', 'k', 'a=b:c', 6],
  ]);
});

test('the separator is whichever of = and : comes first', () => {
  assert.deepEqual(pairs('[s]\nurl: http://x:1/a=b\ntransport_url = rabbit://u:p@h:5672/\n'), [
    ['s', 'url', 'http://x:1/a=b', 2],
    ['s', 'transport_url', 'rabbit://u:p@h:5672/', 3],
  ]);
});

test('# and ; comment lines are skipped; an indented # continues a value instead', () => {
  assert.deepEqual(pairs('[s]\n# a = 1\n; b = 2\nc = 3\n  # part of c\n'), [['s', 'c', '3\n# part of c', 4]]);
});

test('continuation lines join with newlines; a blank line ends the value', () => {
  const doc = parseIni('[s]\nmsg = first\n  second\n\tthird\n\nnext = 1\n');
  assert.deepEqual(doc.entries.map((e) => [e.key, e.value, e.line]), [['msg', 'first\nsecond\nthird', 2], ['next', '1', 6]]);
});

test('a continuation with nothing to continue is an error with its line', () => {
  const doc = parseIni('[s]\n\n   orphan\n');
  assert.deepEqual(doc.errors.map((e) => [e.line, e.section]), [[3, 's']]);
  assert.match(doc.errors[0]?.message ?? '', /continuation/);
});

test('matching surrounding quotes are removed, unmatched ones kept', () => {
  assert.deepEqual(pairs(`[s]\na = "x y"\nb = 'z'\nc = "q'\nd = ""\n`).map((p) => p[2]), ['x y', 'z', `"q'`, '']);
});

test('DEFAULT is recognised in any case; other section names and keys keep their case', () => {
  const doc = parseIni('[default]\nHost = a\n[Api]\nx = 1\n');
  assert.deepEqual(doc.entries.map((e) => [e.section, e.key]), [['DEFAULT', 'Host'], ['Api', 'x']]);
  assert.deepEqual(doc.sections.map((s) => [s.name, s.line]), [['DEFAULT', 1], ['Api', 3]]);
});

test('repeated keys are all kept in order, and a section may reopen', () => {
  assert.deepEqual(pairs('[s]\na = 1\n[t]\nb = 2\n[s]\na = 3\n').map((p) => p.slice(0, 3)), [
    ['s', 'a', '1'],
    ['t', 'b', '2'],
    ['s', 'a', '3'],
  ]);
});

test('every malformed line is reported, parsing goes on', () => {
  const doc = parseIni(['orphan = 1', '[s', '[]', '[s]', 'no separator', '= empty key', 'ok = 1', ''].join('\r\n'));
  assert.deepEqual(doc.errors.map((e) => e.line), [1, 2, 3, 5, 6]);
  assert.deepEqual(pairs(['[s]', 'ok = 1'].join('\r\n')), [['s', 'ok', '1', 2]]);
  assert.deepEqual(doc.entries.map((e) => e.key), ['ok']);
});

test('an empty value is the empty string; trailing whitespace lines end values', () => {
  assert.deepEqual(pairs('[s]\na =\nb = 1\n   \nc:\n').map((p) => [p[1], p[2]]), [['a', ''], ['b', '1'], ['c', '']]);
});
