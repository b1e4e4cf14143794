import type { ChalkInstance } from 'chalk';
import type { LocalInvokeResult } from '../invoke/local/types.js';
import { formatDuration } from './table.js';

/** What an invoke prints: the payload for stdout (pretty JSON) and a summary for stderr. Pure. */
export function renderInvokeResult(r: LocalInvokeResult, c: ChalkInstance): { stdout?: string; stderr: string[] } {
  const stats = [`${formatDuration(r.durationMs)}`];
  if (r.initDurationMs !== undefined) stats.push(`init ${formatDuration(r.initDurationMs)} (cold start)`);
  if (r.maxRssMB !== undefined) stats.push(`max memory ${r.maxRssMB} MB`);
  if (!r.ok) {
    const e = r.error ?? { errorType: 'Error', errorMessage: 'unknown error' };
    const lines = [`${c.red('function error:')} ${e.errorType}: ${e.errorMessage}`];
    for (const s of e.stackTrace ?? []) lines.push(c.dim(`    ${s.trim()}`));
    lines.push(c.dim(stats.join(' · ')));
    return { stdout: JSON.stringify(e, null, 2), stderr: lines };
  }
  return { stdout: JSON.stringify(r.result, null, 2), stderr: [c.dim(stats.join(' · '))] };
}
