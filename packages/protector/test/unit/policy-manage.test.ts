import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_POLICIES } from '../../src/policy/defaults.js';
import { policyCheckCommand, policyListCommand, policySampleCommand } from '../../src/policy/manage.js';
import { parsePolicyDocument } from '../../src/policy/policy-file.js';
import { policySample } from '../../src/policy/sample.js';

const dir = mkdtempSync(join(tmpdir(), 'protector-policy-manage-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

test('the sample is laid out as oslopolicy-sample-generator writes it', () => {
  const sample = policySampleCommand();
  assert.equal(sample.exitCode, 0);
  assert.ok(
    sample.output.includes('# Register a site.\n# POST  /v1/admin/sites\n#"protector:sites:create": "rule:admin_required"\n\n'),
    'description, operations, commented rule, blank line',
  );
  assert.ok(sample.output.startsWith('# Administrators of the deployment.\n#"admin_required": "role:admin"\n\n'));
  for (const line of sample.output.split('\n')) {
    assert.ok(line === '' || line.startsWith('#'), `everything is commented out: ${line}`);
    if (!line.startsWith('#"') && !/^# (GET|POST|PUT|DELETE) /.test(line)) assert.ok(line.length <= 70, `wrapped at 70: ${line}`);
  }
  assert.match(sample.output, /# Show the replication health, RPO compliance and failover readiness\n# of a project's protection groups\.\n/);
});

test('the sample as written overrides nothing; uncommented, it restates every default', () => {
  const sample = policySample();
  assert.equal(parsePolicyDocument(sample, 'sample.yaml').overrides.size, 0);
  const uncommented = sample
    .split('\n')
    .map((l) => (l.startsWith('#"') ? l.slice(1) : l))
    .join('\n');
  const parsed: unknown = parseYaml(uncommented);
  assert.deepEqual(parsed, Object.fromEntries(DEFAULT_POLICIES.map((d) => [d.name, d.check_str])));
  assert.equal(policyCheckCommand(file('sample.yaml', sample)).exitCode, 0);
});

test('policy list shows the rule in force, whether it is overridden, and the description', () => {
  const plain = policyListCommand();
  assert.equal(plain.exitCode, 0);
  const lines = plain.output.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^NAME +RULE +OVERRIDDEN +DESCRIPTION$/);
  assert.equal(lines.length, DEFAULT_POLICIES.length + 1);
  assert.match(plain.output, /^protector:sites:create +rule:admin_required +no +Register a site\.$/m);

  const path = file('list.yaml', '"protector:sites:create": "role:admin and (user_id:u1 or user_id:u2)"\nhelper: "@"\n');
  const over = policyListCommand({ policyFile: path });
  assert.equal(over.exitCode, 0);
  assert.match(over.output, /^protector:sites:create +role:admin and \(user_id:u1 or user_id:u2\) +yes +Register a site\.$/m);
  assert.match(over.output, /^protector:sites:list +rule:admin_required +no +/m);
  assert.match(over.output, /^helper +@ +file only$/m);
});

test('policy list fails with the reason when the policy file is invalid', () => {
  const r = policyListCommand({ policyFile: file('bad-list.yaml', 'protector:sites:list: rule:missing\n') });
  assert.equal(r.exitCode, 1);
  assert.match(r.output, /rule 'protector:sites:list': refers to rule:missing/);
});

test('policy check: a good file passes, warnings do not fail it', () => {
  const ok = policyCheckCommand(file('ok.yaml', '"protector:sites:list": "rule:admin_or_reader"\n'));
  assert.deepEqual(ok, { output: `${join(dir, 'ok.yaml')}: 1 rule, 0 errors, 0 warnings\n`, exitCode: 0 });
  const warn = policyCheckCommand(file('warn.yaml', '"protector:site:list": "@"\n"protector:sites:show": "rule:admin_required"\n'));
  assert.equal(warn.exitCode, 0);
  assert.match(warn.output, /^WARNING: rule 'protector:site:list': is not a registered policy/m);
  assert.match(warn.output, /^WARNING: rule 'protector:sites:show': is the same as the default/m);
  assert.match(warn.output, /2 rules, 0 errors, 2 warnings\n$/);
});

test('policy check: syntax errors, unknown references and cycles fail it, each named by rule', () => {
  const path = file('bad.yaml', ['"protector:sites:list": "role:admin or"', '"protector:sites:show": "rule:admin_requried"', 'a: rule:b', 'b: rule:a', 'c: 42'].join('\n'));
  const r = policyCheckCommand(path);
  assert.equal(r.exitCode, 1);
  assert.match(r.output, /^ERROR: rule 'protector:sites:list': .*ended/m);
  assert.match(r.output, /^ERROR: rule 'protector:sites:show': refers to rule:admin_requried, which is not defined$/m);
  assert.match(r.output, /^ERROR: rule 'a': rules refer to each other in a cycle: a -> b -> a$/m);
  assert.match(r.output, /^ERROR: rule 'c': value is a number/m);
  assert.match(r.output, /5 rules, 4 errors, 2 warnings\n$/);
});

test('policy check: unreadable and unparsable files fail', () => {
  const missing = policyCheckCommand(join(dir, 'nope.yaml'));
  assert.equal(missing.exitCode, 1);
  assert.match(missing.output, /^ERROR: cannot read .*nope\.yaml/);
  const json = policyCheckCommand(file('bad.json', '{"a": "@",}'));
  assert.equal(json.exitCode, 1);
  assert.match(json.output, /^ERROR: .*bad\.json: /);
  const yaml = policyCheckCommand(file('dup.yaml', 'a: "@"\na: "!"\n'));
  assert.equal(yaml.exitCode, 1, 'duplicate keys are refused');
});
