import type { OptionType } from './types.js';

/** An older (group, name) an option was known by; the value is still read, with a warning. */
export interface DeprecatedName {
  /** Defaults to the option's own group. */
  readonly group?: string;
  readonly name: string;
}

/**
 * "always": the service cannot start without it. "production": required once the deployment
 * leaves the embedded defaults (MySQL database or the pure driver); a warning before that.
 */
export type Requirement = 'always' | 'production';

export interface OptionSpec<T> {
  readonly type: OptionType<T>;
  readonly default: T;
  readonly help: string;
  /** Passwords, keys and URLs carrying them: never printed or logged. */
  readonly secret: boolean;
  readonly deprecatedNames: readonly DeprecatedName[];
  /** Shown in the sample and docs instead of a default computed on this machine. */
  readonly sampleDefault?: string;
  readonly required?: Requirement;
}

export interface OptionInit<T> {
  readonly default: T;
  readonly help: string;
  readonly secret?: boolean;
  readonly deprecated_names?: readonly DeprecatedName[];
  readonly sample_default?: string;
  readonly required?: Requirement;
}

export function opt<T>(type: OptionType<T>, init: OptionInit<NoInfer<T>>): OptionSpec<T> {
  return {
    type,
    default: init.default,
    help: init.help,
    secret: init.secret ?? false,
    deprecatedNames: init.deprecated_names ?? [],
    ...(init.sample_default !== undefined ? { sampleDefault: init.sample_default } : {}),
    ...(init.required !== undefined ? { required: init.required } : {}),
  };
}

export interface GroupSpec<O extends Record<string, OptionSpec<unknown>>> {
  readonly help: string;
  readonly options: O;
}

export function group<O extends Record<string, OptionSpec<unknown>>>(help: string, options: O): GroupSpec<O> {
  return { help, options };
}

/** The typed value an option spec produces. */
export type ValueOf<S> = S extends OptionSpec<infer T> ? T : never;
