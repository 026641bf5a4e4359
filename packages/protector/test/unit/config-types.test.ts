import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OptionType } from '../../src/config/types.js';
import { booleanType, enumType, floatType, integerType, listType, multiStringType, portType, stringType, uriType } from '../../src/config/types.js';

function value<T>(t: OptionType<T>, raw: string): unknown {
  const p = t.parseOne(raw);
  assert.ok(p.ok, `expected ${JSON.stringify(raw)} to parse`);
  return p.value;
}

function error<T>(t: OptionType<T>, raw: string): string {
  const p = t.parseOne(raw);
  assert.ok(!p.ok, `expected ${JSON.stringify(raw)} to be rejected`);
  return p.message;
}

test('booleans: true/false, yes/no, on/off, 1/0 in any case', () => {
  const b = booleanType();
  for (const raw of ['true', 'TRUE', 'Yes', 'on', '1']) assert.equal(value(b, raw), true, raw);
  for (const raw of ['false', 'False', 'NO', 'off', '0']) assert.equal(value(b, raw), false, raw);
  assert.match(error(b, 'maybe'), /invalid boolean "maybe"/);
  assert.match(error(b, '2'), /invalid boolean/);
});

test('integers: signs, range limits inclusive, junk rejected', () => {
  const i = integerType({ min: -1, max: 10 });
  assert.equal(value(i, '10'), 10);
  assert.equal(value(i, '-1'), -1);
  assert.equal(value(i, '+3'), 3);
  assert.match(error(i, '11'), /greater than the maximum 10/);
  assert.match(error(i, '-2'), /less than the minimum -1/);
  for (const raw of ['1.5', '0x10', '1e3', 'ten', '1 2']) assert.match(error(i, raw), /invalid integer/, raw);
  assert.match(error(integerType(), '99999999999999999999'), /out of range/);
});

test('ports are integers from 0 to 65535', () => {
  const p = portType();
  assert.equal(value(p, '8788'), 8788);
  assert.equal(value(p, '0'), 0);
  assert.match(error(p, '65536'), /maximum 65535/);
  assert.equal(p.label, 'port value');
});

test('floats: decimals and exponents, range, formatted like Python', () => {
  const f = floatType({ min: 0.01 });
  assert.equal(value(f, '1'), 1);
  assert.equal(value(f, '0.5'), 0.5);
  assert.equal(value(f, '.25'), 0.25);
  assert.equal(value(f, '2e1'), 20);
  assert.match(error(f, '0'), /minimum 0.01/);
  for (const raw of ['0x1', 'abc', '1.2.3', 'Infinity']) assert.match(error(f, raw), /invalid floating point/, raw);
  assert.deepEqual(f.format(1), ['1.0']);
  assert.deepEqual(f.format(0.5), ['0.5']);
});

test('lists split on commas and strip items; empty is the empty list', () => {
  const l = listType();
  assert.deepEqual(value(l, 'service, admin ,reader'), ['service', 'admin', 'reader']);
  assert.deepEqual(value(l, ''), []);
  assert.deepEqual(value(l, 'a,,b,'), ['a', 'b']);
  assert.deepEqual(l.format(['a', 'b']), ['a,b']);
  assert.equal(l.emptyIsUnset, false);
});

test('single-valued types keep the last item; multi-valued keep them all', () => {
  assert.equal(integerType().combine([1, 2, 3]), 3);
  const m = multiStringType();
  assert.equal(m.multi, true);
  assert.deepEqual(m.combine(['a', 'b']), ['a', 'b']);
  assert.deepEqual(m.format([]), ['']);
  assert.deepEqual(m.format(['x', 'y']), ['x', 'y']);
});

test('choices are case-sensitive and listed in the error', () => {
  const e = enumType(['mock', 'pure']);
  assert.equal(value(e, 'pure'), 'pure');
  assert.match(error(e, 'Pure'), /invalid choice "Pure"; valid choices are mock, pure/);
  assert.deepEqual(e.notes(), ['Possible values:', '  mock', '  pure']);
});

test('URIs need a supported scheme; several hosts and empty are accepted', () => {
  const u = uriType(['rabbit']);
  assert.equal(value(u, 'rabbit://u:p@h1:5672,u:p@h2:5672/vhost'), 'rabbit://u:p@h1:5672,u:p@h2:5672/vhost');
  assert.equal(value(u, ''), '');
  assert.equal(u.emptyIsUnset, true);
  assert.match(error(u, 'amqp://h/'), /unsupported URI scheme "amqp"/);
  assert.match(error(u, 'not a url'), /invalid URI/);
  const db = uriType(['sqlite', 'mysql+pymysql']);
  assert.equal(value(db, 'sqlite:////var/lib/protector/protector.db'), 'sqlite:////var/lib/protector/protector.db');
  assert.equal(value(db, 'MYSQL+PYMYSQL://u:pw@h:3306/protector'), 'MYSQL+PYMYSQL://u:pw@h:3306/protector');
});

test('strings may carry a pattern; empty strings always pass', () => {
  const s = stringType({ pattern: /^2\.\d+$/, patternHelp: 'must be 2.x' });
  assert.equal(value(s, '2.20'), '2.20');
  assert.equal(value(s, ''), '');
  assert.match(error(s, '1.19'), /must be 2.x/);
  assert.equal(value(stringType(), '  kept as given '), '  kept as given ');
});
