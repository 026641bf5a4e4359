/**
 * Text renderings of the policy: the sample policy.yaml (laid out as oslopolicy-sample-generator
 * writes it: wrapped description, operations, then the default commented out) and the table of
 * `protector-manage policy list`.
 */
import { DEFAULT_POLICIES, type PolicyDefault } from './defaults.js';
import type { EffectiveRule } from './enforcer.js';

const WIDTH = 70;

/** A policy.yaml with every default commented out; uncomment a line to override it. */
export function policySample(defaults: readonly PolicyDefault[] = DEFAULT_POLICIES): string {
  return defaults
    .map((d) => {
      const ops = d.operations.map((o) => `# ${o.method}  ${o.path}\n`).join('');
      return `${commentBlock(d.description)}\n${ops}#${yamlString(d.name)}: ${yamlString(d.check_str)}\n`;
    })
    .join('\n');
}

/** `policy list`: name, rule in force, whether policy.yaml overrides it, and description. */
export function policyList(rows: readonly EffectiveRule[]): string {
  const header = { name: 'NAME', rule: 'RULE', overridden: 'OVERRIDDEN', description: 'DESCRIPTION' };
  const table = [
    header,
    ...rows.map((r) => ({ name: r.name, rule: r.rule, overridden: r.registered ? (r.overridden ? 'yes' : 'no') : 'file only', description: r.description })),
  ];
  const w = (k: 'name' | 'rule' | 'overridden') => Math.max(...table.map((r) => r[k].length));
  const [wn, wr, wo] = [w('name'), w('rule'), w('overridden')];
  return table.map((r) => `${r.name.padEnd(wn)}  ${r.rule.padEnd(wr)}  ${r.overridden.padEnd(wo)}  ${r.description}`.trimEnd()).join('\n') + '\n';
}

/** Python's textwrap.fill(width=70, initial_indent='# ', subsequent_indent='# '), roughly. */
function commentBlock(text: string): string {
  if (text === '') return '#';
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(/\s+/).filter((x) => x !== '')) {
    if (line !== '#' && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** A double-quoted YAML scalar (oslo writes the quotes unescaped; escaping keeps it valid). */
const yamlString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
