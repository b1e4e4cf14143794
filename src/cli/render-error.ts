import type { ChalkInstance } from 'chalk';
import { ConfigError, UserError } from '../errors.js';

/** Formats an error for stderr: one line and a hint for user errors, a report hint for bugs. */
export function renderError(err: unknown, opts: { debug: boolean; color: ChalkInstance }): string {
  const c = opts.color;
  const lines: string[] = [];
  if (err instanceof ConfigError) {
    for (const p of err.problems) lines.push(`  ${c.bold(p.path || '(root)')}: ${p.message}`);
  }
  if (err instanceof UserError) {
    lines.unshift(`${c.red('error:')} ${err.message}`);
    if (err.hint) lines.push(`  ${c.dim('hint:')} ${err.hint}`);
    if (opts.debug && err.stack) lines.push(c.dim(err.stack));
    return `${lines.join('\n')}\n`;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  lines.push(`${c.red('internal error:')} ${e.message || e.name}`);
  if (opts.debug) {
    lines.push(c.dim(e.stack ?? ''));
    if (e.cause) lines.push(c.dim(`cause: ${e.cause instanceof Error ? (e.cause.stack ?? e.cause.message) : String(e.cause)}`));
  } else {
    lines.push(`  ${c.dim('hint:')} run again with --debug for the stack trace, and please report it`);
  }
  return `${lines.join('\n')}\n`;
}
