/** Printing and logging configuration values without ever showing a secret. */
import { allOptions, findOption, type ProtectorConfig } from './options.js';

export const REDACTED = '***';

function show(value: unknown, secret: boolean): unknown {
  const empty = value === '' || (Array.isArray(value) && value.length === 0);
  // An unset secret stays visibly unset: that it is missing is useful and reveals nothing.
  return secret && !empty ? REDACTED : value;
}

/** A plain copy of the configuration, safe to print: every set secret replaced by ***. */
export function redacted(cfg: ProtectorConfig): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const groups = cfg as unknown as Record<string, Record<string, unknown>>;
  for (const o of allOptions()) (out[o.group] ??= {})[o.name] = show(groups[o.group]?.[o.name], o.spec.secret);
  return out;
}

function text(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** `[group] name = value`, redacted when the option is secret (or unknown, to be safe). */
export function describeOption(group: string, name: string, value: unknown): string {
  const o = findOption(group, name);
  return `[${group}] ${name} = ${text(show(value, o ? o.spec.secret : true))}`;
}

/** One line per option, like oslo.config's log_opt_values, for the startup log. */
export function describeConfig(cfg: ProtectorConfig): string[] {
  const safe = redacted(cfg);
  return [
    `config files: ${cfg.config_file.join(', ') || '(none)'}`,
    ...(cfg.config_dir.length ? [`config dirs: ${cfg.config_dir.join(', ')}`] : []),
    ...allOptions().map((o) => `[${o.group}] ${o.name} = ${text(safe[o.group]?.[o.name])}`),
  ];
}
