import type { ChalkInstance } from 'chalk';
import type { Logger } from '../ui/logger.js';

/** Where a command reads and writes. Tests pass capture streams; `bin/ops` passes the process's. */
export interface IO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Options every command accepts. */
export interface GlobalOptions {
  stage: string;
  config?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** `--timeout <seconds>`: the AWS answer budget per call (validated where the clients are built). */
  timeout?: string;
  json: boolean;
  yes: boolean;
  debug: boolean;
  color: boolean;
}

export interface Context {
  cwd: string;
  env: NodeJS.ProcessEnv;
  io: IO;
  global: GlobalOptions;
  /** Colours for this run (level 0 with --no-color, NO_COLOR or a non-TTY stderr). */
  color: ChalkInstance;
  /** Talk on stderr: progress, warnings, hints. */
  log: Logger;
  /** Data on stdout: one line (a newline is added). */
  out(line?: string): void;
  /** Data on stdout: one JSON document. */
  outJson(value: unknown): void;
  /** True when a person can answer a prompt: stdin and stderr are TTYs and CI is not set. */
  interactive: boolean;
  /** Ctrl-C and SIGTERM for commands that must stop cleanly (an apply). */
  interrupts: Interrupts;
}

/** What a guarded section says when it is interrupted. */
export interface InterruptHooks {
  /** The first Ctrl-C / SIGTERM (the section is stopping). */
  onFirst?(signal: NodeJS.Signals): void;
  /** The second one, just before the process ends with 130: what may be half-done. */
  onForce?(): void;
}

export interface Interrupts {
  /**
   * Runs `fn` with Ctrl-C and SIGTERM caught: the first aborts the signal given to `fn` (with the
   * signal's name as reason), so the command stops cleanly; a second ends the process at once with 130.
   * Outside a guard, Ctrl-C keeps Node's default (the process ends at once).
   */
  guard<T>(fn: (signal: AbortSignal) => Promise<T>, hooks?: InterruptHooks): Promise<T>;
}
