import type { ChalkInstance } from 'chalk';
import { prettyJson } from '../invoke/pretty-json.js';
import type { RemoteInvokeResult } from '../invoke/remote.js';
import { formatDuration } from './table.js';

/**
 * What a remote invoke prints: the response for stdout (indented when it is JSON, digits untouched)
 * and, for stderr, the log tail, the error and one summary line. Pure.
 */
export function renderRemoteInvoke(
  r: RemoteInvokeResult,
  target: { name: string; qualifier: string },
  c: ChalkInstance,
): { stdout?: string; stderr: string[] } {
  const stderr: string[] = [];
  if (r.logs) stderr.push(...r.logs.replace(/\n$/, '').split('\n'));
  const ran = r.executedVersion ? `${target.qualifier} → version ${r.executedVersion}` : target.qualifier;
  const summary = c.dim(`${target.name}:${ran} · status ${r.status} · ${formatDuration(r.durationMs)}`);
  if (r.error) {
    stderr.push(`${c.red('function error:')} ${r.error.errorType}: ${r.error.errorMessage}`);
    for (const s of r.error.stackTrace ?? []) stderr.push(c.dim(`    ${s.trim()}`));
  }
  stderr.push(summary);
  const stdout = r.payloadText === '' ? undefined : (prettyJson(r.payloadText) ?? r.payloadText);
  return { stdout, stderr };
}

/** What an `--async` invoke prints: the request id for stdout, one line for stderr. Pure. */
export function renderAsyncInvoke(r: RemoteInvokeResult, target: { name: string; qualifier: string }, c: ChalkInstance) {
  return {
    stdout: r.requestId ?? undefined,
    stderr: [c.dim(`${target.name}:${target.qualifier} · queued (status ${r.status})${r.requestId ? '' : ' · no request id returned'}`)],
  };
}
