import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { allOptions, checkConfig, loadConfig, OPTIONS } from '../../src/config/index.js';
import { optionsMarkdown, withOptionsMarkdown } from '../../src/config/docs.js';

const DOC = fileURLToPath(new URL('../../../../docs/configuration.md', import.meta.url));

test('docs/configuration.md lists exactly the options the registry declares', () => {
  const doc = readFileSync(DOC, 'utf8');
  const current = withOptionsMarkdown(doc);
  // Regenerate with: UPDATE_DOCS=1 node --import tsx --test packages/protector/test/unit/config-docs.test.ts
  if (process.env.UPDATE_DOCS === '1' && current !== doc) writeFileSync(DOC, current);
  else assert.equal(doc, current, 'docs/configuration.md is out of date with options.ts');
});

test('the generated tables have one row per option under its group', () => {
  const md = optionsMarkdown();
  for (const g of Object.keys(OPTIONS)) assert.ok(md.includes(`### [${g}]\n`), g);
  for (const o of allOptions()) {
    const section = md.slice(md.indexOf(`### [${o.group}]`));
    assert.match(section.slice(0, section.indexOf('\n### ') > 0 ? section.indexOf('\n### ') : undefined), new RegExp(`^\\| \`${o.name}\` \\|`, 'm'), `${o.group}.${o.name}`);
  }
  assert.match(md, /^\| `connection` \| URI \*\(secret\)\* \| `sqlite:\/\/\/\/var\/lib\/protector\/protector\.db` \|/m);
  assert.match(md, /^\| `policy_dirs` \| multi \| `policy\.d` \|/m);
  assert.match(md, /^\| `bind_port` \| port \| `8788` \| .*Maximum value: 65535\./m);
  assert.match(md, /^\| `driver` \| string \| `mock` \| .*One of: mock, pure\./m);
});

test('the example in the document passes `config check` and loads as described', () => {
  const example = /```ini\n([\s\S]*?)```/.exec(readFileSync(DOC, 'utf8'))?.[1];
  assert.ok(example, 'the document has an ini example');
  const dir = mkdtempSync(join(tmpdir(), 'protector-docs-'));
  const path = join(dir, 'protector.conf');
  // The CA file the example names, as an operator would have exported it.
  const ca = join(dir, 'flasharray-ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  assert.match(example, /pure_ca_file = \/etc\/protector\/flasharray-ca.pem/);
  writeFileSync(path, example.replace('/etc/protector/flasharray-ca.pem', ca));
  assert.deepEqual(checkConfig({ files: [path] }), []);
  const cfg = loadConfig({ files: [path] });
  assert.equal(cfg.storage.driver, 'pure');
  assert.equal(cfg.storage.pure_ca_file, ca);
  assert.equal(cfg.keystone_authtoken.username, 'protector');
});
