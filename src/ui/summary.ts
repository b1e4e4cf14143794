import type { ChalkInstance } from 'chalk';
import type { ApplyResult, ChangeResult } from '../apply/execute.js';
import { type DomainLine, renderDomain } from './domain.js';
import { type FunctionUrlLine, renderFunctionUrls } from './function-urls.js';
import { formatDuration } from './table.js';

/** The end of a deploy: what changed, what failed and why, versions, the API URL and Function URLs, the time. Pure. */
export function renderApplySummary(
  r: ApplyResult,
  opts: {
    url?: string;
    /** The named APIs' URLs (`apis`), by key. */
    apis?: Record<string, string>;
    functionUrls?: readonly FunctionUrlLine[];
    /** The custom domain and its DNS target (`api.domain`). */
    domain?: DomainLine;
    ms: number;
    color: ChalkInstance;
    destroy?: boolean;
  },
): string[] {
  const c = opts.color;
  const done = r.results.filter((x) => x.status === 'done').length;
  const lines = [''];
  if (r.interrupted) {
    lines.push(...interruptedLines(r, opts.ms, c));
  } else if (r.failed.length === 0 && r.skipped.length === 0) {
    lines.push(
      c.green(`${opts.destroy ? 'Destroyed' : 'Deployed'}: ${done} change${done === 1 ? '' : 's'} applied in ${formatDuration(opts.ms)}.`),
    );
  } else {
    lines.push(
      c.red(
        `${r.failed.length} change${r.failed.length === 1 ? '' : 's'} failed, ${r.skipped.length} skipped, ${done} applied (${formatDuration(opts.ms)}):`,
      ),
    );
    for (const f of r.failed) lines.push(`  ${c.red('✖')} ${f.change.summary}: ${errorText(f.error)}`);
    for (const s of r.skipped) lines.push(`  ${c.dim('-')} ${s.change.summary}: skipped, it needs ${s.blockedBy}`);
    lines.push(c.dim('  what was applied stays; run the same command again to finish (the plan picks up from what is there)'));
  }
  const versions = Object.entries(r.versions).sort(([a], [b]) => a.localeCompare(b));
  if (versions.length) lines.push(`live: ${versions.map(([name, v]) => `${name} → ${v}`).join(', ')}`);
  if (opts.url) lines.push(`API: ${c.cyan(opts.url)}`);
  for (const [key, url] of Object.entries(opts.apis ?? {})) lines.push(`API ${key}: ${c.cyan(url)}`);
  lines.push(...renderDomain(opts.domain, c));
  lines.push(...renderFunctionUrls(opts.functionUrls ?? [], c));
  return lines;
}

/** Longest list of changes shown per heading: a 200-function fleet would otherwise print pages. */
const MAX_LISTED = 25;

function interruptedLines(r: ApplyResult, ms: number, c: ChalkInstance): string[] {
  const it = r.interrupted!;
  const done = r.results.filter((x) => x.status === 'done');
  const notApplied = it.notStarted.length + r.skipped.length;
  const lines = [
    c.yellow(
      `Interrupted (${it.reason}) after ${formatDuration(ms)}: ${done.length} of ${r.results.length} changes applied, ${notApplied} not applied${r.failed.length ? `, ${r.failed.length} failed` : ''}${it.unfinished.length ? `, ${it.unfinished.length} still running` : ''}.`,
    ),
  ];
  const list = (title: string, items: ChangeResult[], line: (x: ChangeResult) => string) => {
    if (!items.length) return;
    lines.push(`  ${title}:`);
    for (const x of items.slice(0, MAX_LISTED)) lines.push(`    ${line(x)}`);
    if (items.length > MAX_LISTED) lines.push(c.dim(`    … and ${items.length - MAX_LISTED} more`));
  };
  list('applied', done, (x) => `${c.green('✔')} ${x.change.summary}`);
  list('failed', r.failed, (x) => `${c.red('✖')} ${x.change.summary}: ${errorText(x.error)}`);
  list('not applied', [...it.notStarted, ...r.skipped], (x) => `${c.dim('-')} ${x.change.summary}`);
  list('still running when ops stopped waiting (may be half-done)', it.unfinished, (x) => `${c.yellow('?')} ${x.change.summary}`);
  lines.push(c.dim('  what was applied stays; run the same command again to finish (the plan picks up from what is there)'));
  return lines;
}

function errorText(e: unknown): string {
  const err = e as { message?: string; hint?: string };
  const msg = err?.message ?? String(e);
  return err?.hint ? `${msg} (${err.hint})` : msg;
}
