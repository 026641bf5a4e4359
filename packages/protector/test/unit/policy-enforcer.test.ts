import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Credentials } from '../../src/policy/checks.js';
import type { PolicyDefault } from '../../src/policy/defaults.js';
import { Enforcer } from '../../src/policy/enforcer.js';
import { PolicyConfigError, PolicyFileError, PolicyNotAuthorized, PolicyNotRegistered } from '../../src/policy/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'protector-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string, text: string): string => {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, text);
  return path;
};

const admin: Credentials = { user_id: 'u-admin', project_id: 'p-admin', roles: ['admin', 'member', 'reader'] };
const member: Credentials = { user_id: 'u-m', project_id: 'p1', roles: ['member', 'reader'] };
const reader: Credentials = { user_id: 'u-r', project_id: 'p1', roles: ['reader'] };

test('enforce passes silently and refuses with a 403 naming the action', () => {
  const e = new Enforcer();
  e.enforce('protector:sites:create', {}, admin);
  assert.throws(
    () => e.enforce('protector:sites:create', {}, member),
    (err: unknown) =>
      err instanceof PolicyNotAuthorized &&
      err.rule === 'protector:sites:create' &&
      err.status === 403 &&
      err.message === "Policy doesn't allow protector:sites:create to be performed.",
  );
  assert.equal(e.check('protector:protection_groups:show', { project_id: 'p1' }, reader), true);
  assert.equal(e.check('protector:protection_groups:show', { project_id: 'p2' }, reader), false);
});

test('enforce denies unknown actions unless a "default" rule exists; authorize refuses them outright', () => {
  const e = new Enforcer();
  assert.throws(() => e.enforce('protector:nope', {}, admin), PolicyNotAuthorized);
  assert.throws(() => e.authorize('protector:nope', {}, admin), (err: unknown) => err instanceof PolicyNotRegistered && err.message === 'Policy protector:nope has not been registered');
  e.authorize('protector:sites:list', {}, admin);
  assert.throws(() => e.authorize('protector:sites:list', {}, member), PolicyNotAuthorized);
  const withDefault = new Enforcer({ policyFile: file('p.yaml', 'default: "@"\n') });
  withDefault.enforce('protector:nope', {}, reader);
  assert.throws(() => withDefault.authorize('protector:nope', {}, reader), PolicyNotRegistered);
});

test('overrides from YAML replace defaults, and base-rule overrides reach every rule using them', () => {
  const path = file(
    'policy.yaml',
    [
      '# comments are fine',
      '"protector:sites:list": "rule:admin_or_reader"',
      'admin_required: role:admin and not user_id:u-banned',
      'protector:health:show: "!"',
    ].join('\n'),
  );
  const e = new Enforcer({ policyFile: path });
  assert.equal(e.check('protector:sites:list', { project_id: 'p1' }, reader), true);
  assert.equal(e.check('protector:health:show', { project_id: 'p-admin' }, admin), false);
  assert.equal(e.check('protector:sites:create', {}, admin), true);
  assert.equal(e.check('protector:sites:create', {}, { ...admin, user_id: 'u-banned' }), false);
  assert.equal(e.check('protector:protection_groups:delete', { project_id: 'p9' }, { ...admin, user_id: 'u-banned' }), false);
  const rows = new Map(e.listRules().map((r) => [r.name, r]));
  assert.equal(rows.get('protector:sites:list')?.overridden, true);
  assert.equal(rows.get('protector:sites:list')?.rule, 'rule:admin_or_reader');
  assert.equal(rows.get('protector:sites:list')?.default, 'rule:admin_required');
  assert.equal(rows.get('protector:sites:create')?.overridden, false);
});

test('overrides from JSON are accepted, as oslo.policy does', () => {
  const e = new Enforcer({ policyFile: file('policy.json', JSON.stringify({ 'protector:sites:list': '@', project_reader: 'role:reader' })) });
  assert.equal(e.check('protector:sites:list', {}, reader), true);
  // project_reader no longer checks the project.
  assert.equal(e.check('protector:protection_groups:list', { project_id: 'p2' }, reader), true);
  // JSON content in a .yaml file also works (YAML reads JSON).
  const y = new Enforcer({ policyFile: file('policy.yaml', '{"protector:sites:list": "@"}') });
  assert.equal(y.check('protector:sites:list', {}, reader), true);
});

test('a missing policy file means defaults only; an empty one too', () => {
  assert.equal(new Enforcer({ policyFile: join(dir, 'does-not-exist.yaml') }).check('protector:sites:list', {}, admin), true);
  assert.equal(new Enforcer({ policyFile: file('empty.yaml', '') }).check('protector:sites:list', {}, member), false);
});

test('invalid policy files are refused at start with every problem named by rule', () => {
  const path = file('bad.yaml', ['a: "role:x and"', 'b: rule:nowhere', 'c: rule:d', 'd: rule:c', 'e:', 'f: [role:x]', 'protector:sites:list: role:admin'].join('\n'));
  assert.throws(
    () => new Enforcer({ policyFile: path }),
    (err: unknown) => {
      assert.ok(err instanceof PolicyConfigError);
      const byRule = new Map(err.issues.map((i) => [i.rule, i]));
      assert.equal(byRule.get('a')?.kind, 'syntax');
      assert.equal(byRule.get('b')?.kind, 'unknown_rule');
      assert.match(byRule.get('b')?.message ?? '', /rule:nowhere/);
      const cycle = err.issues.find((i) => i.kind === 'cycle');
      assert.match(cycle?.message ?? '', /c -> d -> c/);
      assert.equal(byRule.get('e')?.kind, 'invalid_value');
      assert.equal(byRule.get('f')?.kind, 'invalid_value');
      assert.ok(err.issues.every((i) => i.severity === 'error'));
      assert.match(err.message, /rule 'b': refers to rule:nowhere/);
      return true;
    },
  );
  assert.throws(() => new Enforcer({ policyFile: file('list.yaml', '- role:admin\n') }), PolicyFileError);
  assert.throws(() => new Enforcer({ policyFile: file('broken.yaml', 'a: "unclosed\n') }), PolicyFileError);
  assert.throws(() => new Enforcer({ policyFile: file('broken.json', '{"a": ') }), PolicyFileError);
  assert.throws(() => new Enforcer({ policyFile: file('self.yaml', 'a: rule:a or @\n') }), /a -> a/);
});

test('defaults in code are validated too', () => {
  const defaults: PolicyDefault[] = [{ name: 'x', check_str: 'rule:y', description: '', operations: [] }];
  assert.throws(() => new Enforcer({ defaults }), (err: unknown) => err instanceof PolicyConfigError && err.issues[0]?.rule === 'x');
});

test('the policy file is re-read when it changes, and a bad edit keeps the last good rules', () => {
  const path = file('live.yaml', '"protector:sites:list": "@"\n');
  const errors: Error[] = [];
  const e = new Enforcer({ policyFile: path, onReloadError: (err) => errors.push(err) });
  assert.equal(e.check('protector:sites:list', {}, reader), true);

  const rewrite = (text: string, seconds: number) => {
    writeFileSync(path, text);
    // Distinct mtimes even on coarse-grained filesystems.
    utimesSync(path, seconds, seconds);
  };
  rewrite('"protector:sites:list": "!"\n', 1_000_000);
  assert.equal(e.check('protector:sites:list', {}, admin), false);

  rewrite('"protector:sites:list": "role:admin and"\n', 1_000_100);
  assert.equal(e.check('protector:sites:list', {}, admin), false, 'still the last good rule');
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof PolicyConfigError);
  assert.ok(e.lastReloadError instanceof PolicyConfigError);

  rewrite('"protector:sites:list": "role:reader"\n', 1_000_200);
  assert.equal(e.check('protector:sites:list', {}, reader), true);
  assert.equal(e.lastReloadError, undefined);

  rmSync(path);
  assert.equal(e.check('protector:sites:list', {}, reader), false, 'file removed: back to the defaults');
  assert.equal(errors.length, 1);
});

test('warnings for unregistered names and redundant overrides do not stop the enforcer', () => {
  const e = new Enforcer({ policyFile: file('warn.yaml', 'protector:site:list: "@"\nprotector:sites:list: "rule:admin_required"\n') });
  assert.deepEqual(
    e.warnings.map((w) => [w.rule, w.kind]),
    [
      ['protector:site:list', 'unregistered'],
      ['protector:sites:list', 'redundant'],
    ],
  );
  assert.equal(e.isRegistered('protector:sites:list'), true);
  assert.equal(e.isRegistered('protector:site:list'), false);
  const row = e.listRules().find((r) => r.name === 'protector:site:list');
  assert.deepEqual(row && { registered: row.registered, overridden: row.overridden, rule: row.rule }, { registered: false, overridden: true, rule: '@' });
});

test('authorizeCaller: the same decisions as authorize, remembered per caller, action and target', () => {
  const e = new Enforcer();
  const callers = { admin: {}, member: {}, reader: {} };
  const creds = { admin, member, reader };
  const cases: [keyof typeof callers, string, Record<string, string | null>][] = [
    ['reader', 'protector:protection_groups:show', { project_id: 'p1' }],
    ['reader', 'protector:protection_groups:show', { project_id: 'p2' }],
    ['reader', 'protector:protection_groups:update', { project_id: 'p1' }],
    ['member', 'protector:protection_groups:update', { project_id: 'p1' }],
    ['member', 'protector:sites:create', {}],
    ['admin', 'protector:sites:create', {}],
    // Values that print alike but differ must not share a decision.
    ['reader', 'protector:protection_groups:show', { project_id: null }],
    ['reader', 'protector:protection_groups:show', { project_id: 'None' }],
  ];
  let evaluated = 0;
  for (let round = 0; round < 2; round++) {
    for (const [who, action, target] of cases) {
      const expected = e.check(action, target, creds[who]);
      const got = (() => {
        try {
          e.authorizeCaller(callers[who], action, target, () => (evaluated++, creds[who]));
          return true;
        } catch (err) {
          assert.ok(err instanceof PolicyNotAuthorized && err.rule === action);
          return false;
        }
      })();
      assert.equal(got, expected, `${who} ${action} ${JSON.stringify(target)} (round ${round})`);
    }
  }
  assert.equal(evaluated, cases.length, 'each decision taken once, then remembered');
  assert.throws(() => e.authorizeCaller(callers.admin, 'protector:sites:creat', {}, () => admin), PolicyNotRegistered);
});

test('authorizeCaller: a changed policy file drops the remembered decisions', () => {
  const path = file('memo.yaml', '"protector:sites:list": "@"\n');
  const e = new Enforcer({ policyFile: path });
  const caller = {};
  e.authorizeCaller(caller, 'protector:sites:list', {}, () => reader);
  writeFileSync(path, '"protector:sites:list": "!"\n');
  utimesSync(path, 2_000_000, 2_000_000);
  assert.throws(() => e.authorizeCaller(caller, 'protector:sites:list', {}, () => reader), PolicyNotAuthorized);
  writeFileSync(path, '"protector:sites:list": "role:reader"\n');
  utimesSync(path, 2_000_100, 2_000_100);
  e.authorizeCaller(caller, 'protector:sites:list', {}, () => reader);
});
