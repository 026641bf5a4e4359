import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { printRule, referencedRules, type Rule } from '../../src/policy/ast.js';
import { evaluate, type Credentials, type Target } from '../../src/policy/checks.js';
import { PolicySyntaxError } from '../../src/policy/errors.js';
import { parseRule } from '../../src/policy/parser.js';

const p = (s: string) => printRule(parseRule(s));

test('empty and blank rules always pass; @ and ! are always and never', () => {
  assert.deepEqual(parseRule(''), { kind: 'always' });
  assert.deepEqual(parseRule('   '), { kind: 'always' });
  assert.deepEqual(parseRule('@'), { kind: 'always' });
  assert.deepEqual(parseRule('!'), { kind: 'never' });
});

test('each check kind parses to its own node', () => {
  assert.deepEqual(parseRule('role:admin'), { kind: 'role', match: { raw: 'admin', parts: [{ text: 'admin' }] } });
  assert.deepEqual(parseRule('rule:admin_required'), { kind: 'rule', name: 'admin_required' });
  assert.deepEqual(parseRule('project_id:%(project_id)s'), {
    kind: 'generic',
    key: { raw: 'project_id' },
    match: { raw: '%(project_id)s', parts: [{ key: 'project_id' }] },
  });
  assert.deepEqual(parseRule('is_admin:True'), { kind: 'generic', key: { raw: 'is_admin' }, match: { raw: 'True', parts: [{ text: 'True' }] } });
  // Only the first colon splits kind from match, as in oslo.policy.
  assert.deepEqual(parseRule('role:compute:admin'), { kind: 'role', match: { raw: 'compute:admin', parts: [{ text: 'compute:admin' }] } });
});

test('templates mix text and substitutions, and %% is a literal percent', () => {
  const r = parseRule('domain_id:d-%(target.domain_id)s-%%');
  assert.equal(r.kind, 'generic');
  assert.deepEqual(r.kind === 'generic' && r.match.parts, [{ text: 'd-' }, { key: 'target.domain_id' }, { text: '-%' }]);
});

test('quoted literals on either side, single or double quotes, may hold spaces and parentheses', () => {
  const left = parseRule(`'Member':%(role.name)s`);
  assert.deepEqual(left.kind === 'generic' && left.key, { raw: `'Member'`, literal: 'Member' });
  const right = parseRule(`project_name:"my project (prod)" or role:admin`);
  assert.equal(right.kind, 'or');
  assert.deepEqual(right.kind === 'or' && right.rules[0], {
    kind: 'generic',
    key: { raw: 'project_name' },
    match: { raw: '"my project (prod)"', parts: [{ text: 'my project (prod)' }] },
  });
  const bool = parseRule('True:%(enabled)s');
  assert.deepEqual(bool.kind === 'generic' && bool.key, { raw: 'True', literal: 'True' });
  const num = parseRule('42:%(n)s');
  assert.deepEqual(num.kind === 'generic' && num.key, { raw: '42', literal: '42' });
});

test('precedence: not binds tighter than and, and tighter than or', () => {
  assert.equal(p('role:a or role:b and role:c'), 'role:a or role:b and role:c');
  assert.deepEqual(parseRule('role:a or role:b and role:c').kind, 'or');
  const r = parseRule('not role:a and role:b');
  assert.equal(r.kind, 'and');
  assert.equal(r.kind === 'and' && r.rules[0]?.kind, 'not');
  assert.equal(p('(role:a or role:b) and role:c'), '(role:a or role:b) and role:c');
  assert.equal(p('not (role:a or role:b)'), 'not (role:a or role:b)');
  assert.equal(p('not not role:a'), 'not not role:a');
  // Redundant parentheses go; nested groups of one operator flatten.
  assert.equal(p('((role:a)) and (role:b and role:c)'), 'role:a and role:b and role:c');
  assert.equal(p('(role:a and role:b) or role:c'), 'role:a and role:b or role:c');
});

test('keywords are case-insensitive and parentheses need no spaces', () => {
  assert.equal(p('(role:a OR role:b)AND NOT role:c'), '(role:a or role:b) and not role:c');
  assert.equal(p('(project_id:%(project_id)s)'), 'project_id:%(project_id)s');
});

test('syntax errors carry a reason and position', () => {
  const bad: Array<[string, RegExp]> = [
    ['role:a and', /ended/],
    ['role:a role:b', /expected "and" or "or" before "role:b"/],
    ['(role:a', /missing "\)"/],
    ['role:a)', /unexpected "\)"/],
    ['and role:a', /unexpected "and"/],
    ['admin', /is not a check/],
    ['rule:', /needs a rule name/],
    [':x', /nothing before/],
    ['role:%(x', /unterminated %\(/],
    ['role:%(x)d', /must start %\(key\)s/],
    [`role:'adm`, /unterminated quote/],
    ['http://example.com/check', /not supported/],
    [`'Member':x or 'oops"`, /unterminated quote/],
  ];
  for (const [text, reason] of bad) {
    assert.throws(() => parseRule(text), (e: unknown) => e instanceof PolicySyntaxError && reason.test(e.message), text);
  }
  assert.throws(() => parseRule('role:a role:b'), (e: unknown) => e instanceof PolicySyntaxError && e.position === 7);
});

test('referencedRules lists rule: references anywhere in the tree', () => {
  assert.deepEqual(referencedRules(parseRule('rule:a or not (role:x and rule:b)')), ['a', 'b']);
});

// Property: printing a rule and parsing it again gives an equivalent rule, structurally (after
// flattening) and in what it allows.
const name = fc.constantFrom('a', 'b', 'admin', 'member', 'reader', 'x_1');
const check: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('@', '!', 'is_admin:True', `'Member':%(role)s`, 'True:%(flag)s', 'project_name:"p q"', 'project_id:%(project_id)s', 'rule:r1', 'rule:r2'),
  name.map((n) => `role:${n}`),
  name.map((n) => `user_id:${n}`),
  name.map((n) => `roles:${n}`),
);
const ruleText: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    check,
    tie('expr').map((e) => `not ${e}`),
    tie('expr').map((e) => `(${e})`),
    fc.tuple(tie('expr'), fc.constantFrom('and', 'or', 'AND', 'Or'), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
  ),
})).expr;

const flatten = (r: Rule): Rule => {
  if (r.kind === 'not') return { kind: 'not', rule: flatten(r.rule) };
  if (r.kind === 'and' || r.kind === 'or') return { kind: r.kind, rules: r.rules.map(flatten).flatMap((c) => (c.kind === r.kind ? c.rules : [c])) };
  return r;
};

const credsArb: fc.Arbitrary<Credentials> = fc.record({
  user_id: name,
  project_id: fc.constantFrom('p1', 'p2'),
  roles: fc.subarray(['admin', 'member', 'reader', 'a', 'b']),
  is_admin: fc.boolean(),
});
const targetArb: fc.Arbitrary<Target> = fc.record({ project_id: fc.constantFrom('p1', 'p2'), role: fc.constantFrom('Member', 'x'), flag: fc.boolean() });
const helpers = new Map<string, Rule>([
  ['r1', parseRule('role:admin')],
  ['r2', parseRule('project_id:%(project_id)s')],
]);

test('property: parse(print(parse(s))) equals parse(s) and allows the same callers', () => {
  fc.assert(
    fc.property(ruleText, credsArb, targetArb, (text, creds, target) => {
      const once = parseRule(text);
      const printed = printRule(once);
      const twice = parseRule(printed);
      assert.deepEqual(twice, flatten(once));
      assert.equal(printRule(twice), printed);
      const resolve = (n: string) => helpers.get(n);
      assert.equal(evaluate(twice, target, creds, resolve), evaluate(once, target, creds, resolve));
    }),
    { numRuns: 500 },
  );
});
