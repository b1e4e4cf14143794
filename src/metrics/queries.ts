import type { MetricQuery, MetricSeries } from '../aws/cloudwatch.js';
import { UsageError } from '../errors.js';

/** A duration statistic as `--duration` takes it: `p50`, `p99.9`, `avg`, `max`, `min`. */
export type DurationStat = string;
export const DEFAULT_DURATION_STATS: readonly DurationStat[] = ['p50', 'p99', 'max'];

/** What `ops metrics` asks CloudWatch for. */
export interface MetricsRequest {
  functions: readonly { key: string; name: string }[];
  /** Epoch ms, aligned to the period. */
  start: number;
  end: number;
  periodSeconds: number;
  durationStats: readonly DurationStat[];
}

/** One function's numbers over the range, and per period for the sparklines. */
export interface FunctionMetrics {
  key: string;
  name: string;
  invocations: number;
  errors: number;
  /** errors / invocations; `null` without invocations. */
  errorRate: number | null;
  throttles: number;
  /** Milliseconds over the whole range, per requested stat; `null` without data. */
  duration: Record<DurationStat, number | null>;
  /** Peak ConcurrentExecutions; `null` without data. */
  concurrency: number | null;
  /** One value per period from `start` (counts are 0 where CloudWatch has no datapoint, the rest `null`). */
  series: {
    invocations: number[];
    errors: number[];
    throttles: number[];
    concurrency: (number | null)[];
    duration: Record<DurationStat, (number | null)[]>;
  };
  /** Queries CloudWatch did not answer completely (`Forbidden`, `InternalError`). */
  incomplete?: string[];
}

export interface FleetMetrics {
  start: number;
  end: number;
  periodSeconds: number;
  /** Period starts, epoch ms. */
  timestamps: number[];
  functions: FunctionMetrics[];
}

const NAMESPACE = 'AWS/Lambda';
const STAT_NAMES: Record<string, string> = { avg: 'Average', max: 'Maximum', min: 'Minimum' };

/** `--duration p50,p99,max` → the stats, checked. */
export function parseDurationStats(text: string): DurationStat[] {
  const stats = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const bad = stats.find((s) => !STAT_NAMES[s] && !/^p(\d{1,2}(\.\d+)?|100)$/.test(s));
  if (bad || stats.length === 0) {
    throw new UsageError(`--duration '${text}': '${bad ?? ''}' is not a statistic`, {
      hint: 'use avg, min, max or percentiles like p50, p90, p99, p99.9',
    });
  }
  return [...new Set(stats)];
}

/** `p99.9` → `p99_9`, safe in a query id. */
const idPart = (stat: string) => stat.replace(/\./g, '_');

/**
 * Queries per function: Invocations, Errors and Throttles (Sum) and ConcurrentExecutions (Maximum)
 * per period; each duration stat per period (sparkline) and over the whole range (the number:
 * percentiles of periods cannot be combined into one). Pure.
 */
export function metricQueries(req: MetricsRequest): MetricQuery[] {
  const queries: MetricQuery[] = [];
  const whole = Math.round((req.end - req.start) / 1000);
  req.functions.forEach((fn, i) => {
    const q = (suffix: string, metricName: string, stat: string, period = req.periodSeconds): MetricQuery => ({
      id: `f${i}_${suffix}`,
      namespace: NAMESPACE,
      metricName,
      dimensions: { FunctionName: fn.name },
      stat,
      period,
    });
    queries.push(
      q('inv', 'Invocations', 'Sum'),
      q('err', 'Errors', 'Sum'),
      q('thr', 'Throttles', 'Sum'),
      q('conc', 'ConcurrentExecutions', 'Maximum'),
    );
    for (const stat of req.durationStats) {
      const name = STAT_NAMES[stat] ?? stat;
      queries.push(q(`d_${idPart(stat)}`, 'Duration', name), q(`t_${idPart(stat)}`, 'Duration', name, whole));
    }
  });
  return queries;
}

/** Puts CloudWatch's answers on the period grid and totals them per function. Pure. */
export function collateMetrics(req: MetricsRequest, results: ReadonlyMap<string, MetricSeries>): FleetMetrics {
  const periodMs = req.periodSeconds * 1000;
  const buckets = Math.max(1, Math.round((req.end - req.start) / periodMs));
  const timestamps = Array.from({ length: buckets }, (_, k) => req.start + k * periodMs);
  const empty = () => ({ timestamps: [], values: [], status: 'Complete' }) as MetricSeries;

  const functions = req.functions.map((fn, i): FunctionMetrics => {
    const incomplete: string[] = [];
    const get = (suffix: string) => {
      const series = results.get(`f${i}_${suffix}`) ?? empty();
      if (series.status !== 'Complete') incomplete.push(`${suffix}: ${series.status}`);
      return series;
    };
    const grid = (series: MetricSeries, fill: number | null, combine: (a: number, b: number) => number) => {
      const out: (number | null)[] = new Array(buckets).fill(fill);
      series.timestamps.forEach((t, j) => {
        const k = Math.floor((t - req.start) / periodMs);
        if (k < 0 || k >= buckets) return;
        const previous = out[k];
        out[k] = previous === null || previous === fill ? series.values[j] : combine(previous, series.values[j]);
      });
      return out;
    };
    const sum = (a: number, b: number) => a + b;
    const counts = (suffix: string) => grid(get(suffix), 0, sum) as number[];
    const invocations = counts('inv');
    const errors = counts('err');
    const throttles = counts('thr');
    const concurrency = grid(get('conc'), null, Math.max);
    const duration: Record<string, number | null> = {};
    const durationSeries: Record<string, (number | null)[]> = {};
    for (const stat of req.durationStats) {
      durationSeries[stat] = grid(get(`d_${idPart(stat)}`), null, Math.max);
      duration[stat] = overall(stat, get(`t_${idPart(stat)}`).values);
    }
    const total = (values: number[]) => values.reduce(sum, 0);
    const inv = total(invocations);
    const err = total(errors);
    const peaks = concurrency.filter((v): v is number => v !== null);
    return {
      key: fn.key,
      name: fn.name,
      invocations: inv,
      errors: err,
      errorRate: inv > 0 ? err / inv : null,
      throttles: total(throttles),
      duration,
      concurrency: peaks.length > 0 ? Math.max(...peaks) : null,
      series: { invocations, errors, throttles, concurrency, duration: durationSeries },
      ...(incomplete.length > 0 ? { incomplete } : {}),
    };
  });
  return { start: req.start, end: req.end, periodSeconds: req.periodSeconds, timestamps, functions };
}

/** The whole-range query usually has one datapoint; when CloudWatch splits it, stay on the safe side. */
function overall(stat: DurationStat, values: number[]): number | null {
  if (values.length === 0) return null;
  if (values.length === 1) return values[0];
  if (stat === 'min') return Math.min(...values);
  if (stat === 'avg') return values.reduce((a, b) => a + b, 0) / values.length;
  return Math.max(...values);
}

const NICE_PERIODS = [60, 300, 600, 900, 1800, 3600, 10_800, 21_600, 43_200, 86_400];

/**
 * The period for a range: `--period` when given (a multiple of 60 s: Lambda's metrics are per
 * minute), else the first of 5m, 10m, 15m, 30m, 1h... that gives at most 60 periods. Pure.
 */
export function choosePeriod(rangeMs: number, requestedMs: number | undefined): number {
  if (requestedMs !== undefined) {
    if (requestedMs < 60_000 || requestedMs % 60_000 !== 0) {
      throw new UsageError('--period must be a whole number of minutes (1m, 5m, 1h...)', {
        hint: "Lambda's metrics have one-minute resolution",
      });
    }
    return requestedMs / 1000;
  }
  const wanted = rangeMs / 60 / 1000;
  return NICE_PERIODS.find((p) => p >= 300 && p >= wanted) ?? Math.ceil(wanted / 86_400) * 86_400;
}

/** [start, end) aligned to the period, ending with the period that holds `now`. */
export function alignRange(now: number, sinceMs: number, periodSeconds: number): { start: number; end: number } {
  const periodMs = periodSeconds * 1000;
  const end = Math.ceil(now / periodMs) * periodMs;
  const periods = Math.max(1, Math.ceil((now - sinceMs) / periodMs));
  return { start: end - periods * periodMs, end };
}
