import type { Command } from 'commander';
import type { Context } from './context.js';

/** A positional argument: `<name>`, `[name]` or `[name...]`. */
export interface ArgSpec {
  name: string;
  description?: string;
  required?: boolean;
  variadic?: boolean;
}

/** A commander flag spec (`--memory <mb>`, `--force`), with help text. */
export interface OptionSpec {
  flags: string;
  description: string;
  default?: string | boolean | string[];
  choices?: readonly string[];
}

export type ArgValues = Record<string, string | string[] | undefined>;

/**
 * One command, declared as data. Command files import nothing heavy at the top:
 * their `run` pulls in the AWS SDK, esbuild, prompts etc. with `await import()`,
 * so `ops --help` stays instant.
 */
export interface CommandSpec<O = Record<string, unknown>> {
  name: string;
  description: string;
  args?: ArgSpec[];
  options?: OptionSpec[];
  /** Lines shown under "Examples:" in the command's help. */
  examples?: string[];
  subcommands?: CommandSpec<any>[];
  /** Left out of help (`__complete`, which the completion scripts call). */
  hidden?: boolean;
  /**
   * Nothing runs on once `run` has returned (it awaited all its work): `bin/ops` ends the process as soon as the
   * output is written, without Node's teardown of the heap (tens of ms after a read of thousands of log events).
   */
  exitWhenDone?: boolean;
  /** Resolves to the exit code; anything that is not a number means 0. `command`: the parsed commander command (ops completion walks the program from it). */
  run?: (ctx: Context, args: ArgValues, options: O, command?: Command) => Promise<unknown>;
}

/** Typed identity helper: `export default defineCommand<PackageOptions>({...})`. */
export function defineCommand<O = Record<string, unknown>>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}
