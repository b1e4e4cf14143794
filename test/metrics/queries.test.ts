import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { batchQueries, type MetricSeries } from '../../src/aws/cloudwatch.js';
import { UsageError } from '../../src/errors.js';
import {
  alignRange,
  choosePeriod,
  collateMetrics,
  type MetricsRequest,
  metricQueries,
  parseDurationStats,
} from '../../src/metrics/queries.js';
import { formatCount, formatMs, formatRate, renderMetrics, sparkline } from '../../src/ui/metrics.js';

const START = Date.UTC(2026, 10, 23, 10, 0);
const request = (over: Partial<MetricsRequest> = {}): MetricsRequest => ({
  functions: [
    { key: 'api', name: 'shop-dev-api' },
    { key: 'worker', name: 'shop-dev-worker' },
  ],
  start: START,
  end: START + 3_600_000,
  periodSeconds: 300,
  durationStats: ['p50', 'p99', 'max'],
  ...over,
});
const series = (points: [number, number][]): MetricSeries => ({
  timestamps: points.map(([m]) => START + m * 60_000),
  values: points.map(([, v]) => v),
  status: 'Complete',
});

describe('metric queries', () => {
  it('asks per function for the sums, the concurrency peak and each duration stat per period and over the range', () => {
    const queries = metricQueries(request());
    expect(queries).toHaveLength(2 * 10);
    const api = queries.filter((q) => q.dimensions.FunctionName === 'shop-dev-api');
    expect(api.map((q) => `${q.id} ${q.metricName} ${q.stat} ${q.period}`)).toEqual([
      'f0_inv Invocations Sum 300',
      'f0_err Errors Sum 300',
      'f0_thr Throttles Sum 300',
      'f0_conc ConcurrentExecutions Maximum 300',
      'f0_d_p50 Duration p50 300',
      'f0_t_p50 Duration p50 3600',
      'f0_d_p99 Duration p99 300',
      'f0_t_p99 Duration p99 3600',
      'f0_d_max Duration Maximum 300',
      'f0_t_max Duration Maximum 3600',
    ]);
    expect(queries.every((q) => q.namespace === 'AWS/Lambda' && /^[a-z][a-zA-Z0-9_]*$/.test(q.id))).toBe(true);
    expect(metricQueries(request({ durationStats: ['p99.9'] })).some((q) => q.id === 'f1_t_p99_9' && q.stat === 'p99.9')).toBe(true);
  });

  it('batches by GetMetricData limits: 500 queries, and 100,800 datapoints per call', () => {
    const many = metricQueries(request({ functions: Array.from({ length: 60 }, (_, i) => ({ key: `f${i}`, name: `n${i}` })) }));
    expect(batchQueries(many, 3_600_000).map((b) => b.length)).toEqual([500, 100]);
    // A week of one-minute points is 10,080 per query: 10 queries per call.
    const week = metricQueries(request({ periodSeconds: 60, durationStats: [] })).map((q) => ({ ...q, period: 60 }));
    expect(batchQueries(week, 7 * 86_400_000).map((b) => b.length)).toEqual([8]);
    const busy = [...week, ...week, ...week].map((q, i) => ({ ...q, id: `q${i}` }));
    expect(batchQueries(busy, 7 * 86_400_000).map((b) => b.length)).toEqual([10, 10, 4]);
  });

  it('collates answers onto the period grid: sums, error rate, peaks, and the whole-range duration stats', () => {
    const results = new Map<string, MetricSeries>([
      [
        'f0_inv',
        series([
          [0, 10],
          [5, 20],
          [55, 70],
        ]),
      ],
      [
        'f0_err',
        series([
          [5, 2],
          [55, 1],
        ]),
      ],
      ['f0_thr', series([[10, 4]])],
      [
        'f0_conc',
        series([
          [0, 3],
          [55, 9],
        ]),
      ],
      [
        'f0_d_p50',
        series([
          [0, 40],
          [5, 45],
        ]),
      ],
      ['f0_t_p50', series([[0, 42]])],
      ['f0_t_p99', series([[0, 310]])],
      [
        'f0_d_max',
        series([
          [0, 200],
          [5, 900],
        ]),
      ],
      ['f0_t_max', series([[0, 900]])],
      ['f1_inv', { timestamps: [], values: [], status: 'Forbidden' }],
    ]);
    const m = collateMetrics(request(), results);
    expect(m.timestamps).toHaveLength(12);
    const [api, worker] = m.functions;
    expect(api).toMatchObject({ invocations: 100, errors: 3, errorRate: 0.03, throttles: 4, concurrency: 9 });
    expect(api.duration).toEqual({ p50: 42, p99: 310, max: 900 });
    expect(api.series.invocations).toEqual([10, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 70]);
    expect(api.series.duration.p50).toEqual([40, 45, null, null, null, null, null, null, null, null, null, null]);
    expect(worker).toMatchObject({ invocations: 0, errors: 0, errorRate: null, concurrency: null, duration: { p50: null } });
    expect(worker.incomplete).toEqual(['inv: Forbidden']);
  });

  it('picks a period: --period in whole minutes, else 5m or longer for at most 60 periods', () => {
    expect(choosePeriod(3_600_000, undefined)).toBe(300);
    expect(choosePeriod(24 * 3_600_000, undefined)).toBe(1800);
    expect(choosePeriod(7 * 86_400_000, undefined)).toBe(10_800);
    expect(choosePeriod(3_600_000, 60_000)).toBe(60);
    expect(() => choosePeriod(3_600_000, 90_000)).toThrow(UsageError);
    expect(alignRange(START + 7 * 60_000, START + 7 * 60_000 - 3_600_000, 300)).toEqual({
      start: START - 50 * 60_000,
      end: START + 10 * 60_000,
    });
    expect(parseDurationStats('P50, p99.9,avg')).toEqual(['p50', 'p99.9', 'avg']);
    expect(() => parseDurationStats('median')).toThrow(/not a statistic/);
  });
});

describe('rendering', () => {
  it('draws sparklines from 0 to the peak, merging periods to the width', () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe('▁▂▃▅█');
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
    expect(sparkline([null, 5, null])).toBe(' █ ');
    expect(sparkline([1, 1, 1, 1, 8, 8], 3, (a, b) => a + b)).toBe('▂▂█');
    expect(sparkline(Array.from({ length: 48 }, (_, i) => i)).length).toBe(12);
  });

  it('formats numbers for the table', () => {
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(2_500_000)).toBe('2.5M');
    expect(formatRate(0.0123)).toBe('1.23%');
    expect(formatRate(null)).toBe('-');
    expect(formatMs(4.26)).toBe('4.3ms');
    expect(formatMs(1234)).toBe('1.23s');
  });

  it('renders one row per function with a sparkline beside each metric', () => {
    const results = new Map<string, MetricSeries>([
      [
        'f0_inv',
        series([
          [0, 10],
          [5, 20],
        ]),
      ],
      ['f0_err', series([[5, 1]])],
      ['f0_t_p50', series([[0, 42]])],
      ['f0_t_p99', series([[0, 310]])],
      [
        'f0_d_p99',
        series([
          [0, 100],
          [5, 310],
        ]),
      ],
      ['f0_t_max', series([[0, 1500]])],
      [
        'f0_conc',
        series([
          [0, 2],
          [5, 4],
        ]),
      ],
    ]);
    const lines = renderMetrics(collateMetrics(request(), results), { color: new Chalk({ level: 0 }) });
    expect(lines[0].split(/\s{2,}/)).toEqual([
      'function',
      'invocations',
      'errors',
      'error rate',
      'throttles',
      'p50',
      'p99',
      'max',
      'p99 trend',
      'concurrency',
    ]);
    expect(lines[1]).toContain('30 ▅█▁▁▁▁▁▁▁▁▁▁');
    expect(lines[1]).toContain('3.33%');
    expect(lines[1]).toMatch(/42ms +310ms +1\.50s +▃█ {10} +4 ▅█$/);
    expect(lines[2]).toMatch(/^worker +0 ▁{12} +0 ▁{12} +- +0 ▁{12} +- +- +-/);
  });
});
