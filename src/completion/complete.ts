import { SHELLS } from './scripts.js';
import type { CommandNode, OptionNode } from './tree.js';

/** Values that come from the fleet config, asked for only when the word being completed needs them. */
export interface FleetValues {
  functions(): Promise<string[]>;
  samples(fn: string): Promise<string[]>;
  /** The params the config declares (`amadeus/client-secret`). */
  params(): Promise<string[]>;
}

/** Where the words before the cursor put it: the command reached, its options (globals included), positionals so far. */
export interface CompletionPoint {
  command: CommandNode;
  /** The subcommands walked to reach it (`['params', 'set']`). */
  path: string[];
  options: OptionNode[];
  positionals: string[];
  /** The option whose value is being typed (`--event <TAB>`). */
  pendingValue?: OptionNode;
  /** Options given so far, by their long name without dashes (`stage`, `config`). */
  given: Record<string, string>;
}

const optionNamed = (options: OptionNode[], word: string) => options.find((o) => o.names.includes(word));
const longName = (o: OptionNode) => (o.names.find((n) => n.startsWith('--')) ?? o.names[0]).replace(/^-+/, '');

/**
 * Walks the words typed before the cursor (without `ops`): subcommands descend, an option taking a value
 * swallows the next word, anything else is a positional. Pure: the tree and the words decide.
 */
export function locate(root: CommandNode, before: string[]): CompletionPoint {
  let command = root;
  const path: string[] = [];
  let options = [...root.options];
  const positionals: string[] = [];
  const given: Record<string, string> = {};
  let afterDashes = false;
  for (let i = 0; i < before.length; i++) {
    const word = before[i];
    if (!afterDashes && word === '--') {
      afterDashes = true;
      continue;
    }
    const [flag, inline] =
      word.startsWith('--') && word.includes('=')
        ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]
        : [word, undefined];
    const opt = afterDashes ? undefined : optionNamed(options, flag);
    if (opt) {
      const value = opt.value === undefined ? 'true' : (inline ?? before[++i]);
      if (i >= before.length) return { command, path, options, positionals, given, pendingValue: opt };
      given[longName(opt)] = value;
      continue;
    }
    const sub = positionals.length === 0 ? command.subcommands.find((c) => c.name === word) : undefined;
    if (sub) {
      command = sub;
      path.push(sub.name);
      options = [...sub.options, ...options.filter((o) => !sub.options.some((s) => s.names.some((n) => o.names.includes(n))))];
      continue;
    }
    positionals.push(word);
  }
  return { command, path, options, positionals, given };
}

/** The positional argument the next word fills, by name (`function`, `functions`), if any. */
function argAt(command: CommandNode, index: number): string | undefined {
  if (index < command.args.length) return command.args[index];
  return command.variadic ? command.args.at(-1) : undefined;
}

/** Candidates for the word at the cursor, `current` being what is typed of it so far. */
export async function candidates(point: CompletionPoint, current: string, values: FleetValues): Promise<string[]> {
  const all = await unfiltered(point, current, values);
  return [...new Set(all)].filter((c) => c.startsWith(current));
}

async function unfiltered(point: CompletionPoint, current: string, values: FleetValues): Promise<string[]> {
  const { command, options, positionals, pendingValue } = point;
  if (pendingValue) return optionValues(pendingValue, point, values);
  if (current.startsWith('-')) return options.flatMap((o) => o.names.filter((n) => n.startsWith('--') || current.length < 2));
  if (command.subcommands.length && positionals.length === 0) return command.subcommands.map((c) => c.name);
  const arg = argAt(command, positionals.length);
  if (arg === 'function' || arg === 'functions') {
    const names = await values.functions();
    return arg === 'functions' ? names.filter((n) => !positionals.includes(n)) : names;
  }
  if (arg === 'shell') return [...SHELLS];
  // `ops params set|get|unset <TAB>`: a declared param (`ops new function <name>` names a new one: nothing to offer).
  if (arg === 'name' && point.path[0] === 'params') return values.params();
  return [];
}

async function optionValues(opt: OptionNode, point: CompletionPoint, values: FleetValues): Promise<string[]> {
  if (opt.choices) return opt.choices;
  // `ops invoke <function> --event <TAB>`: the samples of the function already named.
  if (opt.value === 'sample') {
    const fnIndex = point.command.args.indexOf('function');
    const fn = fnIndex >= 0 ? point.positionals[fnIndex] : undefined;
    return fn ? values.samples(fn) : [];
  }
  return [];
}
