import type { Argument, Command, Option } from 'commander';

/**
 * The command tree as the `openstack dr` plugin (packages/osc-plugin) builds its commands from:
 * each leaf command's words, help, arguments and options, and whether it prints a list, one
 * object or text. Generated from the command definitions into the plugin's `commands.json` (a
 * test keeps it current), so the plugin never has a tree of its own to drift.
 */
export interface OscSpec {
  /** The protector global options a plugin command passes on (the plugin's own names for them). */
  globals: OscOption[];
  commands: OscCommand[];
}

export interface OscCommand {
  /** `['protection-group', 'list']`: `openstack dr protection-group list`. */
  words: string[];
  description: string;
  /** list: rows (-f csv too); show: one object, or rows when the answer is a list; text: no formatter. */
  output: 'list' | 'show' | 'text';
  arguments: OscArgument[];
  options: OscOption[];
}

export interface OscArgument {
  name: string;
  description: string;
  required: boolean;
  variadic: boolean;
}

export interface OscOption {
  /** `--commit-window`, as protector takes it. */
  long: string;
  short: string | null;
  help: string;
  /** The value's name (`seconds`), null for a flag. */
  value: string | null;
  required: boolean;
  /** Given more than once (`--tier A=… --tier B=…`). */
  repeatable: boolean;
  choices: string[] | null;
  /** Shown in help only: protector applies its own defaults. */
  default: string | number | boolean | null;
}

/** Taken by cliff's own formatter options on every plugin command. */
const CLIFF_OWNS = ['--format', '--column'];

function optionOf(o: Option): OscOption {
  const value = /[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1] ?? null;
  let repeatable: boolean;
  // A repeatable option's parser collects into an array (commands' `collect`); others may refuse 'x'.
  try {
    repeatable = value !== null && Array.isArray(o.parseArg?.('x', undefined as unknown as never));
  } catch {
    repeatable = false;
  }
  const dflt = o.defaultValue as unknown;
  return {
    long: o.long as string,
    short: o.short ?? null,
    help: o.description,
    value,
    required: o.mandatory,
    repeatable,
    choices: o.argChoices ? [...o.argChoices] : null,
    default: typeof dflt === 'string' || typeof dflt === 'number' || typeof dflt === 'boolean' ? dflt : null,
  };
}

const argumentOf = (a: Argument): OscArgument => ({ name: a.name(), description: a.description, required: a.required, variadic: a.variadic });

function outputOf(c: Command): OscCommand['output'] {
  const format = c.options.find((o) => o.long === '--format');
  if (!format) return 'text';
  return format.description.includes('csv') ? 'list' : 'show';
}

function leaves(c: Command, words: string[]): OscCommand[] {
  if (c.commands.length > 0) return c.commands.flatMap((s) => leaves(s, [...words, s.name()]));
  return [
    {
      words,
      description: c.description(),
      output: outputOf(c),
      arguments: c.registeredArguments.map(argumentOf),
      options: c.options.filter((o) => o.long && o.long !== '--help' && !CLIFF_OWNS.includes(o.long)).map(optionOf),
    },
  ];
}

/** Global options the plugin takes from OSC itself (--os-cloud, --debug) or adds once (--secondary-cloud). */
const GLOBALS_KEPT = ['--os-endpoint', '--secondary-endpoint', '--timeout', '--wait-timeout', '--wait-unreachable'];

export function oscSpec(program: Command): OscSpec {
  return {
    globals: program.options.filter((o) => o.long && GLOBALS_KEPT.includes(o.long)).map(optionOf),
    // `completion` is protector's own shell completion; OSC has its own (`openstack complete`).
    commands: program.commands.filter((c) => c.name() !== 'completion').flatMap((c) => leaves(c, [c.name()])),
  };
}
