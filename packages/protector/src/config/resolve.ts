/**
 * From the parsed files to typed values, with oslo.config's lookup rules:
 * - an option is read from its own section, under its name or a deprecated name; when no file
 *   sets it there, a key of the same name in [DEFAULT] is used (the [DEFAULT] fallback of INI
 *   files, which operators rely on for values shared by several sections);
 * - files are searched newest first and the first file holding the option decides; within a
 *   file the canonical name beats a deprecated one, and the last occurrence wins;
 * - a multi-valued option collects its values from every file, oldest first.
 */
import type { IniEntry } from './ini.js';
import { allOptions, type ProtectorConfig, type RegisteredOption } from './options.js';
import type { Problem } from './problems.js';
import type { SourceFile } from './sources.js';
import { storageChecks } from './storage-checks.js';

export interface Origin {
  readonly file: string;
  readonly line: number;
  readonly section: string;
  readonly key: string;
}

export interface Resolution {
  /** Built from defaults where a value was bad; trust it only when no problem is an error. */
  readonly config: ProtectorConfig;
  readonly problems: readonly Problem[];
  /** Where each option's effective value came from, keyed "group.name"; absent for defaults. */
  readonly origins: ReadonlyMap<string, Origin>;
}

interface Found extends IniEntry {
  readonly file: string;
  readonly deprecated: boolean;
}

/** (section, key) pairs the registry reads, including deprecated names. */
export function optionNames(o: RegisteredOption): { section: string; key: string; deprecated: boolean }[] {
  return [
    { section: o.group, key: o.name, deprecated: false },
    ...o.spec.deprecatedNames.map((d) => ({ section: d.group ?? o.group, key: d.name, deprecated: true })),
  ];
}

/** The [DEFAULT] key a section's option falls back to, for options outside [DEFAULT]. */
export function defaultFallback(o: RegisteredOption): { section: string; key: string; deprecated: boolean } | null {
  return o.group === 'DEFAULT' ? null : { section: 'DEFAULT', key: o.name, deprecated: false };
}

/**
 * For each file, oldest first, the occurrences under the first of the option's names it holds;
 * the [DEFAULT] fallback counts only when no file sets the option in its own section.
 */
function occurrences(o: RegisteredOption, files: readonly SourceFile[]): Found[][] {
  const own = occurrencesOf(optionNames(o), files);
  const fallback = defaultFallback(o);
  return own.length > 0 || !fallback ? own : occurrencesOf([fallback], files);
}

function occurrencesOf(names: { section: string; key: string; deprecated: boolean }[], files: readonly SourceFile[]): Found[][] {
  const perFile: Found[][] = [];
  for (const f of files) {
    if (!f.doc) continue;
    for (const n of names) {
      const hits = f.doc.entries.filter((e) => e.section === n.section && e.key === n.key);
      if (hits.length > 0) {
        perFile.push(hits.map((e) => ({ ...e, file: f.path, deprecated: n.deprecated })));
        break;
      }
    }
  }
  return perFile;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A deployment that left the embedded defaults: a server database or real arrays. */
export function isProduction(values: { database: { connection: string }; storage: { driver: string } }): boolean {
  return !values.database.connection.toLowerCase().startsWith('sqlite:') || values.storage.driver === 'pure';
}

export interface ResolveOptions {
  /** Also type-check occurrences a later one overrides (for `config check`); loading needs only the values used. */
  readonly validateAll: boolean;
  /** The --config-dir directories, recorded in the config. */
  readonly dirs: readonly string[];
}

export function resolveOptions(files: readonly SourceFile[], { validateAll, dirs }: ResolveOptions): Resolution {
  const problems: Problem[] = [];
  const origins = new Map<string, Origin>();
  const groups: Record<string, Record<string, unknown>> = {};

  for (const f of files) {
    if (f.error) problems.push({ file: f.path, line: 0, section: '', key: '', message: f.error, severity: 'error' });
    for (const e of f.doc?.errors ?? []) problems.push({ file: f.path, line: e.line, section: e.section, key: '', message: e.message, severity: 'error' });
  }

  for (const o of allOptions()) {
    const { type } = o.spec;
    const perFile = occurrences(o, files);
    const used: Found[] = type.multi ? perFile.flat() : perFile.slice(-1).flatMap((hits) => hits.slice(-1));
    const toCheck = validateAll ? perFile.flat() : used;
    const items = new Map<Found, unknown>();
    for (const e of toCheck) {
      if (e.deprecated) {
        problems.push({ file: e.file, line: e.line, section: e.section, key: e.key, severity: 'warning', message: `deprecated name; use [${o.group}] ${o.name}` });
      }
      if (type.emptyIsUnset && e.value === '') continue;
      const p = type.parseOne(e.value);
      if (p.ok) items.set(e, p.value);
      else problems.push({ file: e.file, line: e.line, section: e.section, key: e.key, severity: 'error', message: `${p.message} (${type.label})` });
    }
    const usable = used.filter((e) => items.has(e));
    let value: unknown = o.spec.default;
    // Multi-valued: an option set anywhere replaces its default entirely, as in oslo.config.
    if (type.multi ? used.length > 0 : usable.length > 0) value = type.combine(usable.map((e) => items.get(e)));
    const last = used[used.length - 1];
    if (last) origins.set(`${o.group}.${o.name}`, { file: last.file, line: last.line, section: last.section, key: last.key });
    (groups[o.group] ??= {})[o.name] = value;
  }

  const config = {
    ...groups,
    config_file: files.filter((f) => f.doc).map((f) => f.path),
    config_dir: [...dirs],
  } as unknown as ProtectorConfig; // built from the registry, so it has every group and option
  problems.push(...crossChecks(config, origins, files));
  return { config: deepFreeze(config), problems, origins };
}

/** Rules that involve more than one option, or an option's absence. */
function crossChecks(cfg: ProtectorConfig, origins: ReadonlyMap<string, Origin>, files: readonly SourceFile[]): Problem[] {
  const out: Problem[] = [];
  const lastFile = files.filter((f) => f.doc).at(-1)?.path ?? '';
  const at = (group: string, name: string) => origins.get(`${group}.${name}`) ?? { file: lastFile, line: 0, section: group, key: name };

  for (const o of allOptions()) {
    const value = (cfg as unknown as Record<string, Record<string, unknown>>)[o.group]?.[o.name];
    if (!o.spec.required || (value !== '' && !(Array.isArray(value) && value.length === 0))) continue;
    const where = { ...at(o.group, o.name), section: o.group, key: o.name };
    if (o.spec.required === 'always') out.push({ ...where, severity: 'error', message: 'required option is not set' });
    else if (isProduction(cfg)) {
      out.push({ ...where, severity: 'error', message: 'required option is not set (required with a MySQL or PostgreSQL [database] connection or [storage] driver = pure)' });
    } else {
      out.push({ ...where, severity: 'warning', message: 'not set; it is required in production (MySQL or PostgreSQL database, or the pure driver)' });
    }
  }
  if (cfg.api.default_limit > cfg.api.max_limit) {
    out.push({ ...at('api', 'default_limit'), severity: 'error', message: `default_limit ${cfg.api.default_limit} is greater than max_limit ${cfg.api.max_limit}` });
  }
  if (cfg.engine.heartbeat_seconds >= cfg.engine.lease_seconds) {
    out.push({ ...at('engine', 'heartbeat_seconds'), severity: 'error', message: `heartbeat_seconds ${cfg.engine.heartbeat_seconds} must be less than lease_seconds ${cfg.engine.lease_seconds}, or leases expire while the engine still works` });
  }
  if (cfg.DEFAULT.report_interval >= cfg.DEFAULT.service_down_time) {
    out.push({ ...at('DEFAULT', 'report_interval'), severity: 'error', message: `report_interval ${cfg.DEFAULT.report_interval} must be less than service_down_time ${cfg.DEFAULT.service_down_time}, or running services are listed as down` });
  }
  out.push(...storageChecks(cfg, at, (group, name) => origins.has(`${group}.${name}`)));
  return out;
}
