import { Chalk } from 'chalk';
import { Command, CommanderError, Option } from 'commander';
import { commands } from '../commands/index.js';
import { ExitCode, Interrupted, UsageError } from '../errors.js';
import { createLogger } from '../ui/logger.js';
import type { ArgValues, CommandSpec } from './command.js';
import type { Context, GlobalOptions, Interrupts, IO } from './context.js';
import { renderError } from './render-error.js';
import { VERSION } from './version.js';

export interface RunOptions {
  io?: Partial<IO>;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where Ctrl-C and SIGTERM come from (default: this process); tests pass an EventEmitter. */
  signals?: SignalSource;
  /**
   * Ends the process at once: `bin/ops` passes `process.exit`, called on a second Ctrl-C during a
   * guarded section. In-process callers leave it out (the command then only hears the signal).
   */
  exit?: (code: number) => void;
}

/** `process`, or anything that emits 'SIGINT' and 'SIGTERM' like it. */
export interface SignalSource {
  on(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
}

/** Exit code of a command stopped by Ctrl-C or SIGTERM (128 + SIGINT), whichever signal it was. */
export const INTERRUPTED_EXIT_CODE = 130;

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
  const state: RunState = { code: 0 };
  const interrupts = interruptsFor(opts.signals ?? process, opts.exit);
  const program = buildProgram(io, env, opts.cwd ?? process.cwd(), state, interrupts);
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (state.exitWhenDone && opts.exit) await exitWhenWritten(io, opts.exit, state.code);
    return state.code;
  } catch (err) {
    if (err instanceof ExitCode) return err.code;
    // Ctrl-C before anything was written, or at a prompt (inquirer's ExitPromptError): one quiet line.
    if (err instanceof Interrupted || (err as Error)?.name === 'ExitPromptError') {
      io.stderr.write(`interrupted: ${err instanceof Interrupted ? err.message : 'nothing done'}\n`);
      return INTERRUPTED_EXIT_CODE;
    }
    if (err instanceof CommanderError) return notChanges(state, commanderExit(err, io));
    const debug = state.ctx?.global.debug ?? argv.includes('--debug');
    const color = state.ctx?.color ?? new Chalk({ level: 0 });
    io.stderr.write(renderError(err, { debug, color }));
    return notChanges(
      state,
      err instanceof UsageError
        ? 2
        : typeof (err as { exitCode?: unknown }).exitCode === 'number'
          ? (err as { exitCode: number }).exitCode
          : 1,
    );
  }
}

/**
 * `ops plan` exits 2 when there are changes (as `terraform plan -detailed-exitcode`), so its bad input (an unknown
 * function or option, exit 2 elsewhere) exits 1: a script never reads an error as changes to apply.
 */
function notChanges(state: RunState, code: number): number {
  return code === 2 && state.command === 'plan' ? 1 : code;
}

/** What a command's action leaves for `run`: its context, its exit code, whether the process may end at once. */
interface RunState {
  ctx?: Context;
  /** The top-level command being run (`plan`), once commander has picked it. */
  command?: string;
  code: number;
  exitWhenDone?: boolean;
}

/** Ends the process once stdout and stderr have taken everything written (an async pipe may still hold some). */
async function exitWhenWritten(io: IO, exit: (code: number) => void, code: number): Promise<void> {
  const flushed = (stream: IO['stdout']) =>
    new Promise<void>((resolve) => (stream.write as (chunk: string, done: () => void) => unknown).call(stream, '', resolve));
  await Promise.all([flushed(io.stdout), flushed(io.stderr)]);
  exit(code);
}

function commanderExit(err: CommanderError, io: IO): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
  // Commander's message is already one line ("error: unknown option '--x' (Did you mean --y?)").
  const msg = err.message.replace(/^error: /, '');
  io.stderr.write(`ops: ${msg}\n  run 'ops --help' (or 'ops <command> --help') for usage\n`);
  return 2;
}

/**
 * Ctrl-C inside a guarded section: the first aborts the section's signal, a second calls `onForce`
 * and `exit(130)`. Listeners are on the source only while a section runs, so elsewhere (and in
 * commands with their own handling, `logs tail --follow`, `dev`) Ctrl-C behaves as before.
 */
function interruptsFor(source: SignalSource, exit: ((code: number) => void) | undefined): Interrupts {
  return {
    async guard(fn, hooks = {}) {
      const controller = new AbortController();
      const on = (signal: NodeJS.Signals) => {
        if (!controller.signal.aborted) {
          controller.abort(signal);
          hooks.onFirst?.(signal);
          return;
        }
        hooks.onForce?.();
        exit?.(INTERRUPTED_EXIT_CODE);
      };
      source.on('SIGINT', on);
      source.on('SIGTERM', on);
      try {
        return await fn(controller.signal);
      } finally {
        source.off('SIGINT', on);
        source.off('SIGTERM', on);
      }
    },
  };
}

function buildProgram(io: IO, env: NodeJS.ProcessEnv, cwd: string, state: RunState, interrupts: Interrupts): Command {
  const program = new Command('ops')
    .description('Deploy and operate a fleet of AWS Lambda functions from one typed config.')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(new Option('-s, --stage <name>', 'stage to act on').default(env.OPS_STAGE || 'dev'))
    .option('-c, --config <path>', 'fleet config file (default: ops.config.ts, searched upward)')
    .option('--region <region>', 'AWS region (default: config region, then AWS_REGION)')
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE)')
    .option('--endpoint-url <url>', 'AWS endpoint, e.g. LocalStack or moto (default: AWS_ENDPOINT_URL)')
    .option('--timeout <seconds>', 'seconds to wait for an AWS answer, retries included (default: OPS_AWS_TIMEOUT, else 30)')
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
  for (const spec of commands) program.addCommand(toCommander(spec, io, env, cwd, state, interrupts), { hidden: spec.hidden });
  // Known before the command parses its own options, so even its unknown option knows which command it was.
  program.hook('preSubcommand', (_program, sub) => {
    state.command = sub.name();
  });
  return program;
}

function toCommander(
  spec: CommandSpec<any>,
  io: IO,
  env: NodeJS.ProcessEnv,
  cwd: string,
  state: RunState,
  interrupts: Interrupts,
): Command {
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
  for (const sub of spec.subcommands ?? []) cmd.addCommand(toCommander(sub, io, env, cwd, state, interrupts));
  if (spec.run) {
    const runFn = spec.run;
    cmd.action(async (...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      const argValues: ArgValues = {};
      (spec.args ?? []).forEach((a, i) => {
        argValues[a.name] = params[i] as string | string[] | undefined;
      });
      const all = self.optsWithGlobals();
      const ctx = createContext(io, env, cwd, all, interrupts);
      state.ctx = ctx;
      const code = await runFn(ctx, argValues, self.opts(), self);
      state.code = typeof code === 'number' ? code : 0;
      state.exitWhenDone = spec.exitWhenDone === true;
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

/** Runs a guarded section without catching anything (contexts built outside `run`). */
const noInterrupts: Interrupts = { guard: (fn) => fn(new AbortController().signal) };

export function createContext(
  io: IO,
  env: NodeJS.ProcessEnv,
  cwd: string,
  all: Record<string, unknown>,
  interrupts: Interrupts = noInterrupts,
): Context {
  const global: GlobalOptions = {
    stage: String(all.stage ?? 'dev'),
    config: all.config as string | undefined,
    region: all.region as string | undefined,
    profile: (all.profile as string | undefined) ?? env.AWS_PROFILE,
    endpointUrl: (all.endpointUrl as string | undefined) ?? env.AWS_ENDPOINT_URL,
    timeout: all.timeout as string | undefined,
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
    interrupts,
    out: (line = '') => {
      io.stdout.write(`${line}\n`);
    },
    outJson: (value) => {
      io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}
