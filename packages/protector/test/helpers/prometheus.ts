import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** One sample of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A scrape of /metrics: its samples, and every series name a query may use (histogram parts included). */
export interface Exposition {
  samples: Sample[];
  names: Set<string>;
}

const LABEL = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      const parts = kind === 'histogram' ? ['_bucket', '_sum', '_count'] : kind === 'summary' ? ['', '_sum', '_count'] : [''];
      for (const p of parts) names.add(name + p);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(LABEL)) labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, names };
}

/** The samples of `name` whose labels include `labels`. */
export function samplesOf(e: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function loadAlertRules(path: string): AlertRule[] {
  const doc = parse(readFileSync(path, 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);
const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;

/** What a PromQL expression reads: each series name with the labels its selectors match on, and the labels its grouping clauses name. */
export function selectors(expr: string): { series: { name: string; labels: string[] }[]; grouping: string[] } {
  const grouping: string[] = [];
  // Grouping clauses first (their label lists look like function calls), then strings and ranges.
  let rest = expr.replace(GROUPING, (_m, _kw: string, list: string) => {
    grouping.push(...list.split(',').map((l) => l.trim()).filter(Boolean));
    return ' ';
  });
  const series: { name: string; labels: string[] }[] = [];
  rest = rest.replace(/([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}/g, (_m, name: string | undefined, matchers: string) => {
    const labels = [...matchers.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"/g)].map((x) => x[1]!);
    if (name && !KEYWORDS.has(name)) series.push({ name, labels });
    return ' ';
  });
  rest = rest.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[[^\]]*\]/g, ' ');
  for (const m of rest.matchAll(/(?<![\w.])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()/g)) {
    if (!KEYWORDS.has(m[1]!.toLowerCase())) series.push({ name: m[1]!, labels: [] });
  }
  return { series, grouping };
}

/** The labels an annotation or label template reads (`{{ $labels.x }}`). */
export function templateLabels(text: string): string[] {
  return [...text.matchAll(/\$labels\.([a-zA-Z_]\w*)/g)].map((m) => m[1]!);
}

/** promtool's path when it is installed (Debian's prometheus package), else undefined. */
export function promtool(): string | undefined {
  const r = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  return r.error || r.status !== 0 ? undefined : 'promtool';
}

/** Runs promtool; its output (both streams) and exit status. */
export function runPromtool(args: string[], cwd?: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8', cwd });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
