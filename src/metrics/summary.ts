import type { Aws } from '../aws/clients.js';
import { getMetricData, type MetricQuery } from '../aws/cloudwatch.js';

/** One function's traffic over a window, for `ops status`. */
export interface FunctionSummary {
  invocations: number;
  errors: number;
  /** errors / invocations, 0 without invocations (check `invocations` to tell "no traffic" apart). */
  errorRate: number;
}

/**
 * Invocations, errors and error rate per function key over the window, in one GetMetricData call
 * for the whole fleet (two queries per function, each one period as long as the window; fleets
 * over 250 functions take one call per 500 queries).
 * `sinceMs` is the window's start in epoch ms; a value below 10^12 (before 2001) is read as a
 * duration back from now instead, so `fleetSummary(aws, fleet, 3_600_000)` is the last hour too.
 */
export async function fleetSummary(
  aws: Aws,
  fleet: { functions: readonly { key: string; name: string }[] },
  sinceMs: number,
): Promise<Record<string, FunctionSummary>> {
  const now = Date.now();
  const start = sinceMs < 1e12 ? now - sinceMs : sinceMs;
  // Whole minutes both ways: the period must be a multiple of 60 s.
  const end = Math.ceil(now / 60_000) * 60_000;
  const from = Math.floor(start / 60_000) * 60_000;
  const period = Math.max(60, Math.round((end - from) / 1000));
  const queries: MetricQuery[] = fleet.functions.flatMap((fn, i) =>
    (['Invocations', 'Errors'] as const).map((metricName) => ({
      id: `f${i}_${metricName === 'Invocations' ? 'inv' : 'err'}`,
      namespace: 'AWS/Lambda',
      metricName,
      dimensions: { FunctionName: fn.name },
      stat: 'Sum',
      period,
    })),
  );
  const results = queries.length > 0 ? await getMetricData(aws, queries, end - period * 1000, end) : new Map();
  const total = (id: string) => (results.get(id)?.values ?? []).reduce((a: number, b: number) => a + b, 0);
  const summary: Record<string, FunctionSummary> = {};
  fleet.functions.forEach((fn, i) => {
    const invocations = total(`f${i}_inv`);
    const errors = total(`f${i}_err`);
    summary[fn.key] = { invocations, errors, errorRate: invocations > 0 ? errors / invocations : 0 };
  });
  return summary;
}
