import type { ChalkInstance } from 'chalk';

/** All talk goes to stderr through one logger; stdout is for data. */
export interface Logger {
  info(msg: string): void;
  success(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  /** Only with --debug. */
  debug(msg: string): void;
  /** A line as is. */
  raw(msg: string): void;
}

export function createLogger(
  stderr: { write(chunk: string): unknown },
  color: ChalkInstance,
  opts: { debug: boolean; quiet?: boolean },
): Logger {
  const line = (s: string) => {
    stderr.write(`${s}\n`);
  };
  return {
    info: (m) => opts.quiet || line(m),
    success: (m) => opts.quiet || line(`${color.green('✔')} ${m}`),
    warn: (m) => line(`${color.yellow('warning:')} ${m}`),
    error: (m) => line(`${color.red('error:')} ${m}`),
    debug: (m) => opts.debug && line(color.dim(`debug: ${m}`)),
    raw: (m) => line(m),
  };
}
