/** Something the user can fix: printed as one line plus a hint, never with a stack. */
export class UserError extends Error {
  readonly hint?: string;
  readonly exitCode: number;
  constructor(message: string, opts: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'UserError';
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? 1;
  }
}

/** Bad command-line usage (unknown option, missing argument): exit code 2. */
export class UsageError extends UserError {
  constructor(message: string, opts: { hint?: string } = {}) {
    super(message, { ...opts, exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** A config file that fails validation: every problem, each with its field path. */
export class ConfigError extends UserError {
  readonly problems: { path: string; message: string }[];
  constructor(file: string, problems: { path: string; message: string }[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the fleet config`, {
      hint: 'fix the fields above and run the command again',
    });
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Ends a command with an exit code and nothing more to say (the command already printed why). */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'ExitCode';
  }
}

/**
 * Ctrl-C or SIGTERM before anything was written (reading, waiting for the lease, at the prompt):
 * `ops` says so in one line and exits 130, the shell's code for an interrupted command.
 */
export class Interrupted extends Error {
  readonly exitCode = 130;
  constructor(message = 'nothing applied') {
    super(message);
    this.name = 'Interrupted';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
