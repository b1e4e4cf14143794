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
}
