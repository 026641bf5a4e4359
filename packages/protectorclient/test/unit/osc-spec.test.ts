// The `openstack dr` plugin's command tree is protector's: packages/osc-plugin's commands.json is
// generated from the command definitions (UPDATE_DOCS=1 rewrites it), with each command's
// output kind, its repeatable and valued options, and no option cliff itself owns.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../../src/cli/main.js';
import { oscSpec } from '../../src/cli/osc-spec.js';

const file = fileURLToPath(new URL('../../../osc-plugin/protectorclient_osc/commands.json', import.meta.url));

test("the plugin's commands.json is generated from the command definitions", () => {
  const text = `${JSON.stringify(oscSpec(buildProgram({})), null, 1)}\n`;
  if (process.env.UPDATE_DOCS === '1') writeFileSync(file, text);
  assert.equal(readFileSync(file, 'utf8'), text, 'packages/osc-plugin/protectorclient_osc/commands.json is stale: regenerate it with UPDATE_DOCS=1');
});

test('each command with its output kind, arguments and options as protector takes them', () => {
  const spec = oscSpec(buildProgram({}));
  const cmd = (words: string) => spec.commands.find((c) => c.words.join(' ') === words);
  assert.equal(cmd('completion'), undefined, "OSC has its own completion");
  assert.deepEqual(['site list', 'protection-group show', 'plan delete'].map((w) => cmd(w)?.output), ['list', 'show', 'text']);
  const run = cmd('plan run')!;
  assert.deepEqual(run.options.find((o) => o.long === '--recovery-point'), { long: '--recovery-point', short: null, help: 'drill, unplanned, point_in_time: this PG (name or id) from this recovery point (repeatable)', value: 'pg=id', required: false, repeatable: true, choices: null, default: null });
  assert.deepEqual(run.options.find((o) => o.long === '--mode')?.choices, ['drill', 'drill_cleanup', 'planned', 'unplanned', 'point_in_time', 'failback']);
  assert.equal(run.options.find((o) => o.long === '--mode')?.required, true);
  assert.deepEqual(run.options.find((o) => o.long === '--wait'), { long: '--wait', short: null, help: run.options.find((o) => o.long === '--wait')!.help, value: null, required: false, repeatable: false, choices: null, default: null });
  assert.deepEqual(cmd('failover')!.arguments, [{ name: 'pg', description: '', required: true, variadic: true }]);
  for (const c of spec.commands) {
    // What argparse could not tell apart in the plugin: an option cliff owns, a short flag it uses, an argument and an option of one name.
    for (const o of c.options) assert.ok(!['--format', '--column', '--help'].includes(o.long) && !['-f', '-c', '-h'].includes(o.short ?? ''), `${c.words.join(' ')} ${o.long}`);
    const dests = new Set(c.options.map((o) => o.long.replace(/^--/, '').replace(/-/g, '_')));
    for (const a of c.arguments) assert.ok(!dests.has(a.name.replace(/-/g, '_')), `${c.words.join(' ')} <${a.name}>`);
  }
  assert.deepEqual(spec.globals.map((g) => g.long), ['--os-endpoint', '--secondary-endpoint', '--timeout', '--wait-timeout', '--wait-unreachable']);
});
