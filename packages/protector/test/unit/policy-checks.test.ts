import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Rule } from '../../src/policy/ast.js';
import { evaluate, substitute, type Credentials, type Target } from '../../src/policy/checks.js';
import { parseRule } from '../../src/policy/parser.js';

const alice: Credentials = { user_id: 'u-alice', project_id: 'p1', domain_id: 'default', roles: ['Member', 'reader'] };
const rules = new Map<string, Rule>([
  ['is_member', parseRule('role:member')],
  ['owner', parseRule('project_id:%(project_id)s')],
]);
const allows = (text: string, creds: Credentials = alice, target: Target = { project_id: 'p1' }) =>
  evaluate(parseRule(text), target, creds, (n) => rules.get(n));

test('always, never, and the empty rule', () => {
  assert.equal(allows('@'), true);
  assert.equal(allows('!'), false);
  assert.equal(allows(''), true);
});

test('role checks are case-insensitive and may substitute from the target', () => {
  assert.equal(allows('role:member'), true);
  assert.equal(allows('role:MEMBER'), true);
  assert.equal(allows('role:admin'), false);
  assert.equal(allows('role:%(needed)s', alice, { needed: 'Reader' }), true);
  assert.equal(allows('role:%(needed)s', alice, {}), false, 'missing target key fails');
  assert.equal(allows('role:member', { ...alice, roles: [] }), false);
});

test('generic checks compare a credential with the substituted target value, case-sensitively', () => {
  assert.equal(allows('project_id:%(project_id)s'), true);
  assert.equal(allows('project_id:%(project_id)s', alice, { project_id: 'p2' }), false);
  assert.equal(allows('project_id:%(project_id)s', alice, { project_id: 'P1' }), false);
  assert.equal(allows('user_id:u-alice'), true);
  assert.equal(allows('domain_id:default'), true);
  assert.equal(allows('project_id:p1'), true);
  assert.equal(allows('project_id:p1 and user_id:%(target.user_id)s', alice, { 'target.user_id': 'u-alice' }), true);
});

test('a missing target key or credential fails the check, even when negated matching would pass', () => {
  assert.equal(allows('project_id:%(project_id)s', alice, {}), false);
  assert.equal(allows('project_id:%(project_id)s', alice, { project_id: undefined }), false);
  assert.equal(allows('system_scope:all'), false, 'alice has no system_scope');
  assert.equal(allows('system_scope:all', { ...alice, system_scope: 'all' }), true);
  assert.equal(allows('nonexistent:x'), false);
  // Inherited properties are not credentials.
  assert.equal(allows('constructor:x'), false);
  assert.equal(allows('role:%(toString)s', alice, {}), false);
});

test('booleans, numbers and null compare as Python prints them', () => {
  assert.equal(allows('is_admin:True', { ...alice, is_admin: true }), true);
  assert.equal(allows('is_admin:True', { ...alice, is_admin: false }), false);
  assert.equal(allows('is_admin:False', { ...alice, is_admin: false }), true);
  assert.equal(allows('is_admin:true', { ...alice, is_admin: true }), false, 'Python prints True');
  assert.equal(allows('is_admin:True', alice), false, 'absent is_admin fails');
  assert.equal(allows('True:%(enabled)s', alice, { enabled: true }), true);
  assert.equal(allows('True:%(enabled)s', alice, { enabled: false }), false);
  assert.equal(allows('None:%(parent)s', alice, { parent: null }), true);
  assert.equal(allows('42:%(n)s', alice, { n: 42 }), true);
  assert.equal(allows(`'Member':%(role)s`, alice, { role: 'Member' }), true);
  assert.equal(allows(`"Member":%(role)s`, alice, { role: 'member' }), false);
});

test('list-valued credentials match when any element does', () => {
  assert.equal(allows('roles:reader'), true);
  assert.equal(allows('roles:admin'), false);
});

test('quoted matches are literal, spaces and %-signs included', () => {
  const bob = { ...alice, project_name: 'my project %(x)s' } as Credentials;
  assert.equal(allows(`project_name:'my project %(x)s'`, bob, {}), true);
});

test('and, or, not and rule references', () => {
  assert.equal(allows('role:member and project_id:%(project_id)s'), true);
  assert.equal(allows('role:member and project_id:%(project_id)s', alice, { project_id: 'p2' }), false);
  assert.equal(allows('role:admin or project_id:%(project_id)s', alice, { project_id: 'p2' }), false);
  assert.equal(allows('role:admin or project_id:%(project_id)s'), true);
  assert.equal(allows('not role:admin'), true);
  assert.equal(allows('not role:member'), false);
  assert.equal(allows('rule:is_member and rule:owner'), true);
  assert.equal(allows('rule:is_member and rule:owner', alice, { project_id: 'p2' }), false);
  assert.equal(allows('rule:undefined_rule'), false, 'an unknown reference denies');
  assert.equal(allows('not rule:undefined_rule or !'), true);
});

test('substitute fills every %(key)s and reports a missing one', () => {
  const t = parseRule('x:%(a)s/%(b)s');
  assert.equal(t.kind, 'generic');
  if (t.kind !== 'generic') return;
  assert.equal(substitute(t.match, { a: 'one', b: 2 }), 'one/2');
  assert.equal(substitute(t.match, { a: 'one' }), undefined);
});
