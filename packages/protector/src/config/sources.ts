/**
 * Which files are read, in which order, as oslo.config does it: every --config-file in the
 * order given, then each --config-dir's *.conf files sorted by name, so a later file overrides
 * an earlier one and a directory's files override the main file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseIni, type IniDocument } from './ini.js';

export interface ConfigSources {
  readonly files?: readonly string[];
  readonly dirs?: readonly string[];
}

export interface SourceFile {
  readonly path: string;
  /** Present when the file was read; parse errors are inside it. */
  readonly doc?: IniDocument;
  /** Why the file (or directory) could not be read. */
  readonly error?: string;
}

export const DEFAULT_CONFIG_FILE = '/etc/protector/protector.conf';
export const DEFAULT_CONFIG_DIR = '/etc/protector/protector.conf.d';

/** The sources a service uses when given none: the standard file and directory, if present. */
export function defaultSources(): Required<ConfigSources> {
  return {
    files: existsSync(DEFAULT_CONFIG_FILE) ? [DEFAULT_CONFIG_FILE] : [],
    dirs: existsSync(DEFAULT_CONFIG_DIR) ? [DEFAULT_CONFIG_DIR] : [],
  };
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return e instanceof Error ? e.message : String(e);
}

function readOne(path: string): SourceFile {
  try {
    // Editors on Windows may add a byte-order mark; it is not part of the first line.
    return { path, doc: parseIni(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')) };
  } catch (e) {
    return { path, error: `cannot read config file: ${reason(e)}` };
  }
}

/** The *.conf files of a directory, sorted, or the reason it cannot be listed. */
export function configDirFiles(dir: string): { files: string[]; error?: string } {
  try {
    if (!statSync(dir).isDirectory()) return { files: [], error: 'config directory is not a directory' };
    const names = readdirSync(dir).filter((n) => n.endsWith('.conf')).sort();
    return { files: names.map((n) => join(dir, n)) };
  } catch (e) {
    return { files: [], error: `cannot read config directory: ${reason(e)}` };
  }
}

export function readSources(src: ConfigSources): SourceFile[] {
  const out = (src.files ?? []).map(readOne);
  for (const dir of src.dirs ?? []) {
    const listed = configDirFiles(dir);
    if (listed.error) out.push({ path: dir, error: listed.error });
    out.push(...listed.files.map(readOne));
  }
  return out;
}
