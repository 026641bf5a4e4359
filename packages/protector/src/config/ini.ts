/**
 * The INI dialect oslo.config reads (its iniparser.BaseParser), rewritten:
 * - `[section]` headers; `DEFAULT` in any case is the DEFAULT section, other names are kept as written;
 * - `key = value` or `key: value`, split at whichever of `=` and `:` comes first;
 * - values are stripped, and one pair of matching surrounding quotes is removed;
 * - no inline comments: `#` and `;` start a comment only at the start of a line;
 * - a line starting with a space or tab continues the previous value (joined with a newline),
 *   and a blank line ends it;
 * - repeated keys are all kept, in order; the caller decides whether the last wins or they add up.
 * Unlike oslo.config, parsing does not stop at the first error, so `config check` can report all.
 */

export interface IniEntry {
  readonly section: string;
  readonly key: string;
  readonly value: string;
  /** 1-based line of the key. */
  readonly line: number;
}

export interface IniSectionHeader {
  readonly name: string;
  readonly line: number;
}

export interface IniError {
  readonly line: number;
  readonly section: string;
  readonly message: string;
}

export interface IniDocument {
  readonly entries: readonly IniEntry[];
  /** Every section header, in file order (a section may appear more than once). */
  readonly sections: readonly IniSectionHeader[];
  readonly errors: readonly IniError[];
}

export const DEFAULT_SECTION = 'DEFAULT';

function sectionName(raw: string): string {
  return raw.toUpperCase() === DEFAULT_SECTION ? DEFAULT_SECTION : raw;
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  return value;
}

export function parseIni(text: string): IniDocument {
  const entries: IniEntry[] = [];
  const sections: IniSectionHeader[] = [];
  const errors: IniError[] = [];
  let section: string | undefined;
  let pending: { key: string; lines: string[]; line: number } | undefined;

  const flush = () => {
    if (!pending) return;
    if (section === undefined) errors.push({ line: pending.line, section: '', message: `option "${pending.key}" appears before any [section]` });
    else entries.push({ section, key: pending.key, value: pending.lines.join('\n'), line: pending.line });
    pending = undefined;
  };

  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] ?? '').trimEnd();
    if (line === '') {
      flush();
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (pending) pending.lines.push(line.trimStart());
      else errors.push({ line: lineNo, section: section ?? '', message: 'unexpected continuation line (a line starting with whitespace continues the previous value)' });
      continue;
    }
    flush();
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) errors.push({ line: lineNo, section: section ?? '', message: 'invalid section header (must end with ])' });
      else if (line.length <= 2) errors.push({ line: lineNo, section: section ?? '', message: 'empty section name' });
      else {
        section = sectionName(line.slice(1, -1));
        sections.push({ name: section, line: lineNo });
      }
      continue;
    }
    if (line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    const colon = line.indexOf(':');
    const at = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
    if (at < 0) {
      errors.push({ line: lineNo, section: section ?? '', message: "no '=' or ':' found in assignment" });
      continue;
    }
    const key = line.slice(0, at).trim();
    if (key === '') {
      errors.push({ line: lineNo, section: section ?? '', message: 'empty option name' });
      continue;
    }
    pending = { key, lines: [unquote(line.slice(at + 1).trim())], line: lineNo };
  }
  flush();
  return { entries, sections, errors };
}
