import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../../src/cli/main.js';
import { cliReference } from '../../src/cli/reference.js';

const doc = fileURLToPath(new URL('../../../../docs/cli.md', import.meta.url));

test('docs/cli.md is the reference generated from the command definitions', () => {
  const text = `${cliReference(buildProgram({}))}\n`;
  if (process.env.UPDATE_DOCS === '1') writeFileSync(doc, text);
  assert.equal(readFileSync(doc, 'utf8'), text, 'docs/cli.md is stale: regenerate it with UPDATE_DOCS=1');
});

test('every command of DESIGN §9 exists', () => {
  const program = buildProgram({});
  const names = (c: ReturnType<typeof buildProgram>, prefix = ''): string[] => c.commands.flatMap((x) => [`${prefix}${x.name()}`, ...names(x, `${prefix}${x.name()} `)]);
  const all = new Set(names(program));
  for (const cmd of [
    'site create', 'site list', 'site show', 'site delete', 'site validate', 'site list-volume-types',
    'tenant-mapping create', 'tenant-mapping list', 'tenant-mapping delete',
    'protection-group create', 'protection-group list', 'protection-group show', 'protection-group delete', 'protection-group sync', 'protection-group sync-status',
    'member add', 'member remove', 'member list', 'policy create', 'policy show', 'mapping set', 'mapping show', 'recovery-point list',
    'failover', 'failback', 'test-failover', 'test-cleanup', 'operation list', 'operation show', 'operation cleanup', 'operation cancel', 'health show',
    'plan create', 'plan list', 'plan show', 'plan update', 'plan delete', 'plan run', 'plan pause', 'plan resume', 'plan approve',
  ]) assert.ok(all.has(cmd), cmd);
});
