/**
 * `protector-manage config check`: every problem in every file, located by file, line, section
 * and option, rather than the first one loading would stop at.
 */
import { DEFAULT_SECTION } from './ini.js';
import { allOptions, LIBRARY_DEFAULT_OPTIONS, LIBRARY_SECTIONS, OPTIONS } from './options.js';
import type { Problem } from './problems.js';
import { defaultFallback, optionNames, resolveOptions } from './resolve.js';
import { readSources, type ConfigSources, type SourceFile } from './sources.js';
import { closest } from './suggest.js';

const GROUPS = Object.keys(OPTIONS);

interface KnownKey {
  readonly group: string;
  readonly name: string;
  readonly multi: boolean;
}

/** Every (section, key) the registry reads, deprecated names included. */
function knownKeys(): Map<string, KnownKey> {
  const out = new Map<string, KnownKey>();
  for (const o of allOptions()) {
    for (const n of optionNames(o)) out.set(`${n.section}\0${n.key}`, { group: o.group, name: o.name, multi: o.spec.type.multi });
    // A [DEFAULT] key named like a section's option is its fallback value, not an unknown option.
    const f = defaultFallback(o);
    if (f && !out.has(`${f.section}\0${f.key}`)) out.set(`${f.section}\0${f.key}`, { group: o.group, name: o.name, multi: o.spec.type.multi });
  }
  return out;
}

function unknownSection(file: string, name: string, line: number): Problem {
  if (LIBRARY_SECTIONS.includes(name)) {
    return { file, line, section: name, key: '', severity: 'warning', message: 'section of a library Protector does not use; ignored' };
  }
  const guess = closest(name, GROUPS);
  const hint = guess ? `; did you mean [${guess}]?${guess.toLowerCase() === name.toLowerCase() ? ' (section names are case-sensitive)' : ''}` : '';
  return { file, line, section: name, key: '', severity: 'error', message: `unknown section${hint}` };
}

function unknownOption(file: string, section: string, key: string, line: number): Problem {
  if (section === DEFAULT_SECTION && LIBRARY_DEFAULT_OPTIONS.includes(key)) {
    return { file, line, section, key, severity: 'warning', message: 'option of an oslo library Protector does not use; ignored' };
  }
  const all = allOptions();
  const here = closest(key, all.filter((o) => o.group === section).map((o) => o.name));
  let hint = here ? `; did you mean ${here}?` : '';
  if (!here) {
    // The option exists in another section: say where it belongs ([DEFAULT] reaches every section).
    const elsewhere = all.find((o) => o.name === key);
    if (elsewhere) hint = `; it belongs in [${elsewhere.group}]`;
  }
  return { file, line, section, key, severity: 'error', message: `unknown option${hint}` };
}

function fileProblems(f: SourceFile, known: Map<string, KnownKey>): Problem[] {
  const out: Problem[] = [];
  if (!f.doc) return out;
  const isGroup = (s: string) => GROUPS.includes(s);
  const reported = new Set<string>();
  for (const s of f.doc.sections) {
    if (isGroup(s.name) || reported.has(s.name)) continue;
    reported.add(s.name);
    out.push(unknownSection(f.path, s.name, s.line));
  }
  const seen = new Map<string, number>();
  for (const e of f.doc.entries) {
    const id = `${e.section}\0${e.key}`;
    const k = known.get(id);
    if (!k) {
      if (isGroup(e.section)) out.push(unknownOption(f.path, e.section, e.key, e.line));
      continue;
    }
    const before = seen.get(id);
    if (before !== undefined && !k.multi) {
      out.push({ file: f.path, line: e.line, section: e.section, key: e.key, severity: 'warning', message: `set more than once in this file; this value overrides line ${before}` });
    }
    seen.set(id, e.line);
  }
  return out;
}

/** Every problem in the files and directories given, in file and line order. */
export function checkConfig(sources: ConfigSources): Problem[] {
  const files = readSources(sources);
  const known = knownKeys();
  const { problems } = resolveOptions(files, { validateAll: true, dirs: sources.dirs ?? [] });
  const all = [...problems, ...files.flatMap((f) => fileProblems(f, known))];
  const order = new Map(files.map((f, i) => [f.path, i]));
  // Problems with no file (line 0 of '') sort last; stable sort keeps discovery order within a line.
  return all.sort((a, b) => (order.get(a.file) ?? files.length) - (order.get(b.file) ?? files.length) || a.line - b.line);
}
