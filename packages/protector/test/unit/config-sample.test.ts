import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { allOptions, loadConfig, OPTIONS, parseIni, sampleConfig, type ProtectorConfig } from '../../src/config/index.js';

const sample = sampleConfig();
const lines = sample.split('\n');

/** Every `#name = value` line turned into `name = value`, as an operator enabling everything would. */
const uncommented = sample.replace(/^#([a-z_]+ =)/gm, '$1');

const valueOf = (cfg: ProtectorConfig, group: string, name: string) => (cfg as unknown as Record<string, Record<string, unknown>>)[group]?.[name];

test('every group is a section, in registry order', () => {
  const headers = lines.filter((l) => /^\[.+\]$/.test(l));
  assert.deepEqual(headers, Object.keys(OPTIONS).map((g) => `[${g}]`));
});

test('every option appears once, commented out, in its own section, after its help and type', () => {
  const doc = parseIni(uncommented);
  assert.deepEqual(doc.errors, []);
  const seen = doc.entries.map((e) => `${e.section}.${e.key}`);
  const multi = new Set(allOptions().filter((o) => o.spec.type.multi).map((o) => `${o.group}.${o.name}`));
  assert.deepEqual([...new Set(seen)], allOptions().map((o) => `${o.group}.${o.name}`));
  assert.equal(seen.filter((s) => !multi.has(s)).length, allOptions().length - multi.size);
  for (const o of allOptions()) {
    const at = lines.findIndex((l) => l.startsWith(`#${o.name} =`));
    const block = lines.slice(lines.lastIndexOf('', at) + 1, at).map((l) => l.replace(/^# /, '')).join(' ');
    assert.ok(block.includes(`(${o.spec.type.label})`), `${o.group}.${o.name} shows its type`);
    assert.ok(block.startsWith(o.spec.help), `${o.group}.${o.name} starts with its help`);
  }
});

test('comment lines are wrapped at 70 columns', () => {
  const long = lines.filter((l) => l.startsWith('# ') && l.length > 70);
  assert.deepEqual(long, []);
  assert.ok(lines.filter((l) => l.startsWith('# ')).some((l) => l.length > 60), 'wrapping uses the width');
});

test('ranges, choices and deprecated names are listed like oslo-config-generator', () => {
  assert.match(sample, /# Port protector-api listens on\. \(port value\)\n# Minimum value: 0\n# Maximum value: 65535\n#bind_port = 8788\n/);
  assert.match(sample, /# Possible values:\n# {3}mock\n# {3}pure\n#driver = mock\n/);
  assert.match(sample, /# Deprecated group\/name - \[engine\]\/concurrency\n# Deprecated group\/name - \[engine\]\/workers\n#lifecycle_concurrency = 8\n/);
  assert.match(sample, /# Deprecated group\/name - \[DEFAULT\]\/sql_connection\n#connection =\n/);
  assert.match(sample, /#debug = false\n/);
  assert.match(sample, /#poll_interval = 1\.0\n/);
  assert.match(sample, /#service_token_roles = service\n/);
  assert.match(sample, /#policy_dirs = policy\.d\n/);
});

test('secrets are shown with an empty default; the host as a placeholder', () => {
  for (const o of allOptions().filter((x) => x.spec.secret)) {
    assert.ok(lines.includes(`#${o.name} =`), `${o.name} is shown empty`);
  }
  assert.ok(!sample.includes('/var/lib/protector/protector.db'), 'the secret connection default is not printed');
  assert.ok(lines.includes('#host = <current_hostname>'));
});

test('round trip: the sample with every option uncommented loads to the defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'protector-sample-'));
  const path = join(dir, 'protector.conf');
  writeFileSync(path, uncommented);
  const cfg = loadConfig({ files: [path] });
  const defaults = loadConfig();
  const checked: string[] = [];
  for (const o of allOptions()) {
    const key = `${o.group}.${o.name}`;
    if (o.spec.sampleDefault !== undefined) continue; // machine-dependent: host
    assert.deepEqual(valueOf(cfg, o.group, o.name), valueOf(defaults, o.group, o.name), key);
    checked.push(key);
  }
  assert.equal(cfg.DEFAULT.host, '<current_hostname>');
  assert.equal(checked.length, allOptions().length - 1, 'every option but host takes part');
});
