import type { ChalkInstance } from 'chalk';
import type { SmokeReport } from '../smoke/index.js';
import { formatDuration, renderTable } from './table.js';

/** The smoke table: one row per sample, the diff of a failed one under its row, then a summary. Pure. */
export function renderSmokeReport(report: SmokeReport, c: ChalkInstance): string[] {
  const rows = report.results.map((r) => [r.fn, r.sample, r.ok ? c.green('pass') : c.red('FAIL'), formatDuration(r.durationMs)]);
  const [header, ...lines] = renderTable(['function', 'sample', 'result', { header: 'duration', align: 'right' }], rows);
  const out = [c.dim(header)];
  report.results.forEach((r, i) => {
    out.push(lines[i]);
    if (r.ok) return;
    for (const d of r.diff ?? []) out.push(`    ${c.red('✘')} ${d}`);
    // A function error is already in the diff unless the sample allowed one (noError: false).
    if (r.error && !(r.diff ?? []).some((d) => d.includes(r.error!))) out.push(`    ${c.dim('error:')} ${r.error}`);
  });
  const failed = report.results.filter((r) => !r.ok).length;
  const parts = [`${report.results.length - failed} passed`];
  if (failed) parts.push(c.red(`${failed} failed`));
  if (report.skipped.length)
    parts.push(c.dim(`${report.skipped.length} sample${report.skipped.length === 1 ? '' : 's'} without expectations not run`));
  out.push(parts.join(', '));
  return out;
}
