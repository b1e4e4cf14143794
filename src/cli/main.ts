import { Chalk } from 'chalk';
import { Command, CommanderError, Option } from 'commander';
import { commands } from '../commands/index.js';
import { ExitCode, UsageError } from '../errors.js';
import { createLogger } from '../ui/logger.js';
import type { ArgValues, CommandSpec } from './command.js';
import type { Context, GlobalOptions, IO } from './context.js';
import { renderError } from './render-error.js';
import { VERSION } from './version.js';

export interface RunOptions {
  io?: Partial<IO>;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `ops` with the given arguments (without `node` and the script) and returns the exit code.
 * Never exits the process: `bin/ops` does that, tests call this in-process.
 */
export async function run(argv: string[], opts: RunOptions = {}): Promise<number> {
  const env = opts.env ?? process.env;
  const io: IO = {
    stdout: opts.io?.stdout ?? process.stdout,
    stderr: opts.io?.stderr ?? process.stderr,
    stdin: opts.io?.stdin ?? process.stdin,
  };
  const state: { ctx?: Context; code: number } = { code: 0 };
  const program = buildProgram(io, env, opts.cwd ?? process.cwd(), state);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.code;
  } catch (err) {
    if (err instanceof ExitCode) return err.code;
    if (err instanceof CommanderError) return commanderExit(err, io);
    const debug = state.ctx?.global.debug ?? argv.includes('--debug');
    const color = state.ctx?.color ?? new Chalk({ level: 0 });
    io.stderr.write(renderError(err, { debug, color }));
    return err instanceof UsageError
      ? 2
      : typeof (err as { exitCode?: unknown }).exitCode === 'number'
        ? (err as { exitCode: number }).exitCode
        : 1;
  }
}

function commanderExit(err: CommanderError, io: IO): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
  // Commander's message is already one line ("error: unknown option '--x' (Did you mean --y?)").
  const msg = err.message.replace(/^error: /, '');
  io.stderr.write(`ops: ${msg}\n  run 'ops --help' (or 'ops <command> --help') for usage\n`);
  return 2;
}

function buildProgram(io: IO, env: NodeJS.ProcessEnv, cwd: string, state: { ctx?: Context; code: number }): Command {
  const program = new Command('ops')
    .description('Deploy and operate a fleet of AWS Lambda functions from one typed config.')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(new Option('-s, --stage <name>', 'stage to act on').default(env.OPS_STAGE || 'dev'))
    .option('-c, --config <path>', 'fleet config file (default: ops.config.ts, searched upward)')
    .option('--region <region>', 'AWS region (default: config region, then AWS_REGION)')
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE)')
    .option('--endpoint-url <url>', 'AWS endpoint, e.g. LocalStack or moto (default: AWS_ENDPOINT_URL)')
    .option('--json', 'print one JSON document on stdout')
    .option('-y, --yes', 'answer yes to confirmations (for CI)')
    .option('--debug', 'show stack traces and AWS SDK calls')
    .option('--no-color', 'disable colours (also NO_COLOR)')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {},
    })
    .exitOverride();
  for (const spec of commands) program.addCommand(toCommander(spec, io, env, cwd, state));
  return program;
}

function toCommander(spec: CommandSpec<any>, io: IO, env: NodeJS.ProcessEnv, cwd: string, state: { ctx?: Context; code: number }): Command {
  const cmd = new Command(spec.name).description(spec.description).exitOverride();
  cmd.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => {} });
  cmd.showSuggestionAfterError(true).configureHelp({ showGlobalOptions: true });
  for (const a of spec.args ?? []) {
    const name = `${a.name}${a.variadic ? '...' : ''}`;
    cmd.argument(a.required ? `<${name}>` : `[${name}]`, a.description ?? '');
  }
  for (const o of spec.options ?? []) {
    const opt = new Option(o.flags, o.description);
    if (o.default !== undefined) opt.default(o.default);
    if (o.choices) opt.choices(o.choices);
    cmd.addOption(opt);
  }
  if (spec.examples?.length) cmd.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  for (const sub of spec.subcommands ?? []) cmd.addCommand(toCommander(sub, io, env, cwd, state));
  if (spec.run) {
    const runFn = spec.run;
    cmd.action(async (...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      const argValues: ArgValues = {};
      (spec.args ?? []).forEach((a, i) => {
        argValues[a.name] = params[i] as string | string[] | undefined;
      });
      const all = self.optsWithGlobals();
      const ctx = createContext(io, env, cwd, all);
      state.ctx = ctx;
      const code = await runFn(ctx, argValues, self.opts());
      state.code = typeof code === 'number' ? code : 0;
    });
  } else {
    cmd.action(() => {
      throw new UsageError(`'ops ${spec.name}' needs a subcommand: ${(spec.subcommands ?? []).map((s) => s.name).join(', ')}`, {
        hint: `run 'ops ${spec.name} --help'`,
      });
    });
  }
  return cmd;
}

export function createContext(io: IO, env: NodeJS.ProcessEnv, cwd: string, all: Record<string, unknown>): Context {
  const global: GlobalOptions = {
    stage: String(all.stage ?? 'dev'),
    config: all.config as string | undefined,
    region: all.region as string | undefined,
    profile: (all.profile as string | undefined) ?? env.AWS_PROFILE,
    endpointUrl: (all.endpointUrl as string | undefined) ?? env.AWS_ENDPOINT_URL,
    json: Boolean(all.json),
    yes: Boolean(all.yes),
    debug: Boolean(all.debug),
    color: all.color !== false && !env.NO_COLOR,
  };
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(global.stage)) {
    throw new UsageError(`invalid stage '${global.stage}'`, {
      hint: 'a stage is 1-16 lowercase letters, digits and dashes, starting with a letter',
    });
  }
  // dist/ is minified: map --debug stack traces back to the sources.
  if (global.debug) process.setSourceMapsEnabled?.(true);
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const level = global.color && (forced || io.stderr.isTTY) ? 1 : 0;
  const color = new Chalk({ level: level as 0 | 1 });
  const log = createLogger(io.stderr, color, { debug: global.debug });
  const interactive = Boolean(io.stdin.isTTY && io.stderr.isTTY) && !env.CI;
  return {
    cwd,
    env,
    io,
    global,
    color,
    log,
    interactive,
    out: (line = '') => {
      io.stdout.write(`${line}\n`);
    },
    outJson: (value) => {
      io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}
