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
  const refused = awsRefusal(err);
  if (refused) {
    // AWS answered, and said no: its own words name what to change. Not a crash of ops.
    lines.push(`${c.red('error:')} ${refused}`);
    lines.push(`  ${c.dim('hint:')} fix what AWS names (in the config or the account) and run again; --debug shows every AWS call`);
    if (opts.debug && e.stack) lines.push(c.dim(e.stack));
    return `${lines.join('\n')}\n`;
  }
  lines.push(`${c.red('internal error:')} ${e.message || e.name}`);
  if (opts.debug) {
    lines.push(c.dim(e.stack ?? ''));
    if (e.cause) lines.push(c.dim(`cause: ${e.cause instanceof Error ? (e.cause.stack ?? e.cause.message) : String(e.cause)}`));
  } else {
    lines.push(`  ${c.dim('hint:')} run again with --debug for the stack trace, and please report it`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `AWS refused lambda.CreateFunction: InvalidParameterValueException: …` for an error AWS answered
 * with a 4xx that nothing turned into a UserError (src/aws/errors.ts handles credentials, access,
 * endpoints, timeouts and 5xx); undefined for anything else.
 */
function awsRefusal(err: unknown): string | undefined {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $opsOperation?: string } | undefined;
  const status = e?.$metadata?.httpStatusCode;
  if (!e?.$opsOperation || status === undefined || status < 400 || status >= 500) return undefined;
  const message = (e.message ?? '').split('\n')[0];
  return `AWS refused ${e.$opsOperation} (HTTP ${status}${e.name && e.name !== 'Error' ? ` ${e.name}` : ''})${message ? `: ${message}` : ''}`;
}
