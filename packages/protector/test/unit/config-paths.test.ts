import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findConfigFile, loadConfig, policyDirPaths, policyFilePath } from '../../src/config/index.js';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'protector-paths-'));
  for (const d of ['etc', 'etc/conf.d', 'other', 'etc/policy.d']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'etc', 'protector.conf'), '[DEFAULT]\n');
  writeFileSync(join(root, 'other', 'extra.conf'), '[DEFAULT]\n');
  return root;
}

test('a relative policy_file is found beside the config files, newest first', () => {
  const root = tree();
  writeFileSync(join(root, 'etc', 'policy.yaml'), '{}\n');
  const cfg = loadConfig({ files: [join(root, 'etc', 'protector.conf'), join(root, 'other', 'extra.conf')] });
  assert.equal(policyFilePath(cfg), join(root, 'etc', 'policy.yaml'));
  writeFileSync(join(root, 'other', 'policy.yaml'), '{}\n');
  assert.equal(policyFilePath(cfg), join(root, 'other', 'policy.yaml'));
});

test('the --config-dir is searched before the config files', () => {
  const root = tree();
  writeFileSync(join(root, 'etc', 'policy.yaml'), '{}\n');
  writeFileSync(join(root, 'etc', 'conf.d', 'policy.yaml'), '{}\n');
  const cfg = loadConfig({ files: [join(root, 'etc', 'protector.conf')], dirs: [join(root, 'etc', 'conf.d')] });
  assert.equal(findConfigFile(cfg, 'policy.yaml'), join(root, 'etc', 'conf.d', 'policy.yaml'));
});

test('a policy file that does not exist yet is placed beside the last config file; absolute paths are kept', () => {
  const root = tree();
  const cfg = loadConfig({ files: [join(root, 'etc', 'protector.conf')] });
  assert.equal(policyFilePath(cfg), join(root, 'etc', 'policy.yaml'));
  writeFileSync(join(root, 'abs.conf'), '[oslo_policy]\npolicy_file = /srv/policy.yaml\n');
  assert.equal(policyFilePath(loadConfig({ files: [join(root, 'abs.conf')] })), '/srv/policy.yaml');
});

test('policy_dirs resolve like policy_file; missing ones are left out', () => {
  const root = tree();
  writeFileSync(join(root, 'etc', 'p.conf'), '[oslo_policy]\npolicy_dirs = policy.d\npolicy_dirs = nowhere.d\n');
  assert.deepEqual(policyDirPaths(loadConfig({ files: [join(root, 'etc', 'p.conf')] })), [join(root, 'etc', 'policy.d')]);
});
