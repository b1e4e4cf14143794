import type { ChalkInstance } from 'chalk';
import type { FleetMetrics, FunctionMetrics } from '../metrics/queries.js';
import { renderTable } from './table.js';

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A one-line chart: `▁▂▅█▃`, at most `width` characters (neighbouring periods merged with
 * `combine`: sum for counts, max for peaks). `null` (no data) is a space. Scaled from 0 to the
 * maximum, so a flat line at the bottom means "nothing". Pure.
 */
export function sparkline(values: readonly (number | null)[], width = 12, combine: (a: number, b: number) => number = Math.max): string {
  const merged = mergeTo(values, width, combine);
  const max = Math.max(0, ...merged.filter((v): v is number => v !== null));
  let out = '';
  for (const v of merged) {
    if (v === null) out += ' ';
    else if (max === 0 || v <= 0) out += BARS[0];
    else out += BARS[Math.min(BARS.length - 1, Math.max(1, Math.round((v / max) * (BARS.length - 1))))];
  }
  return out;
}

function mergeTo(values: readonly (number | null)[], width: number, combine: (a: number, b: number) => number): (number | null)[] {
  if (values.length <= width) return [...values];
  const out: (number | null)[] = [];
  for (let i = 0; i < width; i++) {
    const from = Math.floor((i * values.length) / width);
    const to = Math.floor(((i + 1) * values.length) / width);
    let acc: number | null = null;
    for (let j = from; j < to; j++) {
      const v = values[j];
      if (v !== null) acc = acc === null ? v : combine(acc, v);
    }
    out.push(acc);
  }
  return out;
}

/** 1234 → "1,234"; 1_234_567 → "1.2M". */
export function formatCount(n: number): string {
  if (n >= 1_000_000) return `${Number((n / 1_000_000).toFixed(1))}M`;
  if (n >= 100_000) return `${Math.round(n / 1000)}k`;
  return Math.round(n).toLocaleString('en-US');
}

/** 0.0123 → "1.23%"; null → "-". */
export function formatRate(rate: number | null): string {
  if (rate === null) return '-';
  if (rate === 0) return '0%';
  const pct = rate * 100;
  return `${pct < 0.01 ? '<0.01' : pct < 10 ? pct.toFixed(2) : pct.toFixed(1)}%`;
}

/** Milliseconds: "0.8ms", "45ms", "1.23s"; null → "-". */
export function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 10) return `${Number(ms.toFixed(1))}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
}

export interface RenderMetricsOptions {
  color: ChalkInstance;
  /** Sparkline width in characters. */
  width?: number;
}

/** The `ops metrics` table: one row per function, a sparkline beside each metric. Pure: returns lines. */
export function renderMetrics(metrics: FleetMetrics, opts: RenderMetricsOptions): string[] {
  const c = opts.color;
  const width = opts.width ?? 12;
  const stats = Object.keys(metrics.functions[0]?.duration ?? {});
  const trendStat = stats.find((s) => s.startsWith('p9')) ?? stats[stats.length - 1];
  const sum = (a: number, b: number) => a + b;
  const spark = (values: readonly (number | null)[], combine = Math.max) => c.dim(sparkline(values, width, combine));
  const rows = metrics.functions.map((fn: FunctionMetrics) => {
    const rate = fn.errorRate;
    const rateText = formatRate(rate);
    const rateCell = rate === null || rate === 0 ? rateText : rate >= 0.01 ? c.red(rateText) : c.yellow(rateText);
    return [
      fn.key,
      `${formatCount(fn.invocations)} ${spark(fn.series.invocations, sum)}`,
      `${fn.errors > 0 ? c.red(formatCount(fn.errors)) : '0'} ${spark(fn.series.errors, sum)}`,
      rateCell,
      `${fn.throttles > 0 ? c.yellow(formatCount(fn.throttles)) : '0'} ${spark(fn.series.throttles, sum)}`,
      ...stats.map((s) => formatMs(fn.duration[s])),
      trendStat ? spark(fn.series.duration[trendStat]) : '',
      `${fn.concurrency === null ? '-' : formatCount(fn.concurrency)} ${spark(fn.series.concurrency)}`,
    ];
  });
  const columns = [
    'function',
    { header: 'invocations', align: 'right' as const },
    { header: 'errors', align: 'right' as const },
    { header: 'error rate', align: 'right' as const },
    { header: 'throttles', align: 'right' as const },
    ...stats.map((s) => ({ header: s === 'avg' ? 'avg' : s, align: 'right' as const })),
    trendStat ? `${trendStat} trend` : '',
    { header: 'concurrency', align: 'right' as const },
  ];
  const lines = renderTable(columns, rows);
  const incomplete = metrics.functions.filter((f) => f.incomplete);
  for (const f of incomplete) lines.push(c.yellow(`${f.key}: CloudWatch answered incompletely (${f.incomplete!.join(', ')})`));
  return lines;
}
