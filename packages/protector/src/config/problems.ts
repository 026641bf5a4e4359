/** One thing wrong (or doubtful) in the configuration, located as precisely as it can be. */
export interface Problem {
  /** The file, or the directory for an unreadable --config-dir; '' when no file is involved. */
  readonly file: string;
  /** 1-based line; 0 when the problem is not on one line (a missing option, an unreadable file). */
  readonly line: number;
  readonly section: string;
  /** The option name as written; '' for problems about a whole section or file. */
  readonly key: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

export const hasErrors = (problems: readonly Problem[]): boolean => problems.some((p) => p.severity === 'error');

/** `FILE:LINE [section] key: severity: message`, the line `protector-manage config check` prints. */
export function formatProblem(p: Problem): string {
  const where = `${p.file || '<config>'}:${p.line}`;
  const what = p.section ? ` [${p.section}]${p.key ? ` ${p.key}` : ''}` : p.key ? ` ${p.key}` : '';
  return `${where}${what}: ${p.severity}: ${p.message}`;
}

/** Thrown by loadConfig; carries every problem found, not just the first. */
export class ConfigError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(`invalid configuration (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${errors.map(formatProblem).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
