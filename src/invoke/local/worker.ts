import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Interpreter, resolveInterpreter } from './interpreter.js';
import {
  exitMessage,
  functionArn,
  INIT_TIMEOUT_MS,
  lambdaEnvironment,
  logStreamName,
  looksOutOfMemory,
  MAX_RESPONSE_BYTES,
  resolveRegion,
  timeoutMessage,
} from './lambda-env.js';
import type {
  InvokeMessage,
  LocalInvokeError,
  LocalInvokeRequest,
  LocalInvokeResult,
  LocalWorkerOptions,
  RuntimeMessage,
} from './types.js';

type Exit = { type: 'exit'; code: number | null; signal: NodeJS.Signals | null; spawnError?: Error };
type Event = RuntimeMessage | Exit | { type: 'timeout' };

// Logs kept for the next result; `ops dev` may run long between invokes while a handler keeps printing.
const MAX_LOG_CHARS = 1_000_000;

const live = new Set<ChildProcess>();
let reaperInstalled = false;

/** Children must not outlive ops (Ctrl-C on `ops dev`), even when stuck in a handler. */
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!reaperInstalled) {
    reaperInstalled = true;
    process.once('exit', () => {
      for (const each of live) each.kill('SIGKILL');
    });
  }
}

/** Newline-delimited messages from chunks; parts are joined once per line, as payloads may be megabytes. */
function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  const parts: string[] = [];
  return (chunk) => {
    let rest = chunk;
    for (let newline = rest.indexOf('\n'); newline >= 0; newline = rest.indexOf('\n')) {
      parts.push(rest.slice(0, newline));
      const line = parts.join('');
      parts.length = 0;
      rest = rest.slice(newline + 1);
      if (line.trim()) onLine(line);
    }
    if (rest) parts.push(rest);
  };
}

/** One runtime process: a sandbox, in Lambda's terms. */
class Sandbox {
  readonly child: ChildProcess;
  private readonly channel: Duplex;
  private readonly events: Event[] = [];
  private waiter?: (event: Event) => void;
  private exitEvent?: Exit;
  readonly exited: Promise<Exit>;
  readonly booted: Promise<Event>;
  initDurationMs?: number;
  served = 0;

  constructor(interpreter: Interpreter, cwd: string, env: Record<string, string>, onOutput: (chunk: string) => void) {
    const spawnedAt = performance.now();
    this.child = spawn(interpreter.command, interpreter.args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    track(this.child);
    this.channel = this.child.stdio[3] as Duplex;
    this.channel.on('error', () => {}); // EPIPE after a crash; the exit event reports it
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', onOutput);
    }
    this.channel.setEncoding('utf8');
    this.channel.on(
      'data',
      lineSplitter((line) => this.push(JSON.parse(line) as RuntimeMessage)),
    );
    this.exited = new Promise((resolve) => {
      const done = (exit: Exit) => {
        if (this.exitEvent) return;
        this.exitEvent = exit;
        this.push(exit);
        resolve(exit);
      };
      this.child.once('error', (error) => done({ type: 'exit', code: null, signal: null, spawnError: error }));
      this.child.once('exit', (code, signal) => done({ type: 'exit', code, signal }));
    });
    this.booted = this.race(INIT_TIMEOUT_MS).then((event) => {
      if (event.type === 'timeout') this.kill();
      this.initDurationMs = performance.now() - spawnedAt;
      return event;
    });
  }

  private push(event: Event): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter(event);
    else this.events.push(event);
  }

  /** The next message or the exit, whichever comes first; `timeout` after `ms`. */
  race(ms: number): Promise<Event> {
    const queued = this.events.shift();
    if (queued) return Promise.resolve(queued);
    if (this.exitEvent) return Promise.resolve(this.exitEvent);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve({ type: 'timeout' });
      }, ms);
      this.waiter = (event) => {
        clearTimeout(timer);
        resolve(event);
      };
    });
  }

  send(message: InvokeMessage): void {
    this.channel.write(`${JSON.stringify(message)}\n`);
  }

  get alive(): boolean {
    return !this.exitEvent;
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  /** Waits for stdout/stderr to close after an exit, bounded: a grandchild may hold them open. */
  async drained(ms = 250): Promise<void> {
    if (this.child.stdout?.readableEnded && this.child.stderr?.readableEnded) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise((resolve) => this.child.once('close', resolve)),
      new Promise((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  }

  /** Ends the channel (the shims exit on EOF), killing after a grace period. */
  async close(graceMs = 1000): Promise<void> {
    if (!this.alive) return;
    this.channel.end();
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * A warm local "function instance": one runtime process serving invokes one at a time, restarted
 * after a timeout, a crash or a failed init, the way Lambda replaces a sandbox.
 */
export class LocalWorker {
  /** Local caveats reported so far (each also given once to `onWarning` and to one result). */
  readonly warnings: string[] = [];
  private sandbox?: Sandbox;
  private tail: Promise<unknown> = Promise.resolve();
  private logs = '';
  private closed = false;
  private pendingWarnings: string[] = [];
  private readonly region: string;

  private constructor(
    readonly options: LocalWorkerOptions,
    private readonly interpreter: Interpreter,
  ) {
    this.region = resolveRegion(options, process.env);
    if (interpreter.warning) this.warn(interpreter.warning);
  }

  /** Resolves the interpreter and starts a process, waiting for its init (cold start) to finish. */
  static async start(options: LocalWorkerOptions): Promise<LocalWorker> {
    const worker = new LocalWorker(options, await resolveInterpreter(options.runtime, options.memoryMB));
    const boot = await worker.ensureSandbox().booted;
    if (boot.type === 'exit' && boot.spawnError) throw worker.spawnFailure(boot.spawnError);
    return worker;
  }

  /** Invokes are serialised: one at a time, like one Lambda execution environment. */
  invoke(request: LocalInvokeRequest): Promise<LocalInvokeResult> {
    const run = this.tail.then(() => this.invokeNow(request));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Stops after the invoke in progress; `force` kills the process now, failing that invoke. */
  async close(opts: { force?: boolean } = {}): Promise<void> {
    this.closed = true;
    if (opts.force) this.sandbox?.kill();
    await this.tail;
    await this.sandbox?.close();
    this.sandbox = undefined;
  }

  private warn(message: string): void {
    if (this.warnings.includes(message)) return;
    this.warnings.push(message);
    this.pendingWarnings.push(message);
    this.options.onWarning?.(message);
  }

  private spawnFailure(error: Error): Error {
    return new Error(`cannot start ${this.interpreter.command} for ${this.options.functionName}: ${error.message}`, { cause: error });
  }

  private onOutput = (chunk: string): void => {
    this.logs += chunk;
    if (this.logs.length > MAX_LOG_CHARS) this.logs = this.logs.slice(-MAX_LOG_CHARS);
    this.options.onLog?.(chunk);
  };

  private ensureSandbox(): Sandbox {
    // A sandbox that never served keeps its boot outcome (an init error) for the first invoke.
    if (!this.sandbox || (!this.sandbox.alive && this.sandbox.served > 0)) {
      const { options } = this;
      const env = lambdaEnvironment(
        options,
        {
          codeDir: options.codeDir,
          optDir: options.optDir,
          region: this.region,
          logStreamName: logStreamName(new Date(), randomBytes(16).toString('hex')),
        },
        process.env,
      );
      this.sandbox = new Sandbox(this.interpreter, options.codeDir, env, this.onOutput);
    }
    return this.sandbox;
  }

  private async invokeNow(request: LocalInvokeRequest): Promise<LocalInvokeResult> {
    if (this.closed) throw new Error(`the local worker for ${this.options.functionName} is closed`);
    const requestId = request.requestId ?? randomUUID();
    const sandbox = this.ensureSandbox();
    const boot = await sandbox.booted;
    const initDurationMs = sandbox.served++ === 0 ? sandbox.initDurationMs : undefined;
    const started = performance.now();
    const elapsed = () => performance.now() - started;

    if (boot.type === 'exit' && boot.spawnError) throw this.spawnFailure(boot.spawnError);
    if (boot.type !== 'ready') {
      // Lambda answers the invoke with the init error and starts over on the next one.
      sandbox.kill();
      await sandbox.drained();
      this.sandbox = undefined;
      return this.finish({ requestId, initDurationMs, durationMs: 0, ...this.initFailure(boot, requestId) });
    }

    const timeoutMs = this.options.timeoutSec * 1000;
    sandbox.send({
      type: 'invoke',
      requestId,
      event: request.event ?? null,
      deadlineMs: Date.now() + timeoutMs,
      invokedFunctionArn: functionArn(this.region, this.options.accountId ?? '000000000000', this.options.functionName),
    });
    let event: Event;
    do event = await sandbox.race(Math.max(0, timeoutMs - elapsed()));
    while (event.type === 'ready' || (event.type === 'result' && event.requestId !== requestId));

    if (event.type === 'result') {
      if (event.fatal) {
        this.sandbox = undefined;
        await sandbox.exited;
        await sandbox.drained();
      }
      const outcome = this.outcome(event);
      return this.finish({ requestId, initDurationMs, durationMs: event.durationMs, maxRssMB: event.maxRssMB, ...outcome });
    }
    // Timed out or died: this sandbox is done, the next invoke starts a fresh one.
    this.sandbox = undefined;
    const durationMs = elapsed();
    sandbox.kill();
    await sandbox.exited;
    await sandbox.drained();
    if (event.type !== 'exit') {
      const error = { errorType: 'Sandbox.Timedout', errorMessage: timeoutMessage(this.options.timeoutSec) };
      return this.finish({ requestId, initDurationMs, durationMs, ok: false, timedOut: true, error });
    }
    const errorType = looksOutOfMemory(this.logs) ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
    const error = { errorType, errorMessage: exitMessage(requestId, event.code, event.signal) };
    return this.finish({ requestId, initDurationMs, durationMs, ok: false, error });
  }

  private initFailure(boot: Event, requestId: string): { ok: false; timedOut?: boolean; error: LocalInvokeError } {
    if (boot.type === 'init-error') return { ok: false, error: boot.error };
    if (boot.type === 'timeout') {
      const seconds = (INIT_TIMEOUT_MS / 1000).toFixed(2);
      return {
        ok: false,
        timedOut: true,
        error: { errorType: 'Sandbox.Timedout', errorMessage: `Init timed out after ${seconds} seconds` },
      };
    }
    const exit = boot.type === 'exit' ? boot : { code: null, signal: null };
    return { ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: exitMessage(requestId, exit.code, exit.signal) } };
  }

  private outcome(message: Extract<RuntimeMessage, { type: 'result' }>): { ok: boolean; result?: unknown; error?: LocalInvokeError } {
    if (!message.ok)
      return { ok: false, error: message.error ?? { errorType: 'Runtime.Unknown', errorMessage: 'the runtime reported no error' } };
    const payload = message.payload ?? 'null';
    if (Buffer.byteLength(payload) > MAX_RESPONSE_BYTES) {
      const errorMessage = `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`;
      return { ok: false, error: { errorType: 'Function.ResponseSizeTooLarge', errorMessage } };
    }
    return { ok: true, result: JSON.parse(payload) };
  }

  private async finish(outcome: Omit<LocalInvokeResult, 'logs' | 'timedOut'> & { timedOut?: boolean }): Promise<LocalInvokeResult> {
    // The runtime flushes stdout/stderr before answering on fd 3, so on Linux that output is already
    // readable; one turn of the event loop lets Node deliver it before the logs are cut.
    await nextTurn();
    await nextTurn();
    const maxRssMB = outcome.maxRssMB;
    if (maxRssMB !== undefined && maxRssMB > this.options.memoryMB) {
      this.warn(
        `max memory used (${maxRssMB} MB) is above the function's ${this.options.memoryMB} MB: Lambda would stop it (Runtime.OutOfMemory)`,
      );
    }
    const logs = this.logs;
    this.logs = '';
    const warnings = this.pendingWarnings;
    this.pendingWarnings = [];
    const round = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 100) / 100);
    return {
      timedOut: false,
      ...outcome,
      durationMs: round(outcome.durationMs) ?? 0,
      ...(outcome.initDurationMs === undefined ? {} : { initDurationMs: round(outcome.initDurationMs) }),
      logs,
      ...(warnings.length ? { warnings } : {}),
    };
  }
}

/** A cold invoke: start a process, invoke once, stop it. */
export async function invokeOnce(options: LocalWorkerOptions, request: LocalInvokeRequest): Promise<LocalInvokeResult> {
  const worker = await LocalWorker.start(options);
  try {
    return await worker.invoke(request);
  } finally {
    await worker.close();
  }
}
