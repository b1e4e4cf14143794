import type { Command } from 'commander';

/** One option as completion sees it: its spellings, whether a value follows, the value's placeholder. */
export interface OptionNode {
  names: string[];
  /** `<sample>` for `-e, --event <sample>`; undefined for a flag. */
  value?: string;
  choices?: string[];
}

/** A command of the program, read from commander itself so completion never drifts from `--help`. */
export interface CommandNode {
  name: string;
  options: OptionNode[];
  /** Positional argument names in order (`function`, `functions`), the last one variadic when `variadic`. */
  args: string[];
  variadic: boolean;
  subcommands: CommandNode[];
}

/** The root program of a parsed command (the command `ops completion` or `ops __complete` ran as). */
export function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

/** Commander's tree as plain data: what `--help` shows (hidden commands such as `__complete` left out). */
export function treeOf(cmd: Command): CommandNode {
  const help = cmd.createHelp();
  const args = cmd.registeredArguments;
  return {
    name: cmd.name(),
    options: help.visibleOptions(cmd).map((o) => ({
      names: [o.short, o.long].filter((n): n is string => Boolean(n)),
      value: o.required || o.optional ? /[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1] : undefined,
      choices: o.argChoices ? [...o.argChoices] : undefined,
    })),
    args: args.map((a) => a.name()),
    variadic: args.at(-1)?.variadic ?? false,
    subcommands: help.visibleCommands(cmd).map(treeOf),
  };
}
