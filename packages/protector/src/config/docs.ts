/**
 * The option tables of docs/configuration.md, generated from the registry; a unit test fails
 * when the document and the registry disagree.
 */
import { allOptions, groupHelp, OPTIONS } from './options.js';
import { requirementNote } from './sample.js';

export const OPTIONS_BEGIN = '<!-- BEGIN GENERATED OPTIONS (from packages/protector/src/config/options.ts; regenerate with UPDATE_DOCS=1 and the config-docs unit test) -->';
export const OPTIONS_END = '<!-- END GENERATED OPTIONS -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function optionsMarkdown(): string {
  const out: string[] = [];
  const options = allOptions();
  for (const g of Object.keys(OPTIONS)) {
    out.push(`### [${g}]`, '', groupHelp(g), '', '| Option | Type | Default | Description |', '|---|---|---|---|');
    for (const o of options.filter((x) => x.group === g)) {
      const s = o.spec;
      // A default written in code is never secret, so the docs show it even for secret options.
      const def = s.sampleDefault ?? s.type.format(s.default).join(', ');
      const notes = s.type.notes();
      const extra = [
        ...(notes[0] === 'Possible values:' ? [`One of: ${notes.slice(1).map((c) => c.trim()).join(', ')}.`] : notes.map((n) => `${n}.`)),
        ...[requirementNote(s)].filter((n): n is string => n !== undefined),
        ...s.deprecatedNames.map((d) => `Deprecated name: [${d.group ?? g}] ${d.name}.`),
      ];
      const type = `${s.type.label.replace(/ value(d)?$/, '')}${s.secret ? ' *(secret)*' : ''}`;
      out.push(`| \`${o.name}\` | ${type} | ${def === '' ? '(empty)' : `\`${cell(def)}\``} | ${cell([s.help, ...extra].join(' '))} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The document with its generated block replaced by the current tables. */
export function withOptionsMarkdown(doc: string): string {
  const start = doc.indexOf(OPTIONS_BEGIN);
  const end = doc.indexOf(OPTIONS_END);
  if (start < 0 || end < start) throw new Error('document has no generated options block');
  return `${doc.slice(0, start + OPTIONS_BEGIN.length)}\n\n${optionsMarkdown()}\n${doc.slice(end)}`;
}
