import type { Aws } from './clients.js';
import { mapLimit } from './pool.js';
import { read } from './retry.js';

/** One metric statistic over time, as GetMetricData takes it. */
export interface MetricQuery {
  /** `^[a-z][a-zA-Z0-9_]*$`, unique within a request. */
  id: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** `Sum`, `Average`, `Maximum`, `Minimum`, `SampleCount`, `p99`... */
  stat: string;
  /** Seconds; a multiple of 60 for standard-resolution metrics like Lambda's. */
  period: number;
}

/** A query's datapoints in time order (timestamps in epoch ms). */
export interface MetricSeries {
  timestamps: number[];
  values: number[];
  /** `Complete`, or what CloudWatch said when it was not (`Forbidden`, `InternalError`). */
  status: string;
}

/** GetMetricData takes at most 500 queries per call and returns at most 100,800 datapoints per call. */
export const MAX_QUERIES_PER_CALL = 500;
export const MAX_DATAPOINTS_PER_CALL = 100_800;

/**
 * Splits queries into GetMetricData calls: at most 500 each, and few enough that their datapoints
 * over the range fit in one answer (so a call needs no further pages in the usual case). Pure.
 */
export function batchQueries(queries: readonly MetricQuery[], rangeMs: number): MetricQuery[][] {
  const batches: MetricQuery[][] = [];
  let current: MetricQuery[] = [];
  let points = 0;
  for (const q of queries) {
    const qPoints = Math.max(1, Math.ceil(rangeMs / (q.period * 1000)));
    if (current.length > 0 && (current.length >= MAX_QUERIES_PER_CALL || points + qPoints > MAX_DATAPOINTS_PER_CALL)) {
      batches.push(current);
      current = [];
      points = 0;
    }
    current.push(q);
    points += qPoints;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Every query's series over [start, end), in as few GetMetricData calls as the limits allow
 * (following NextToken when CloudWatch splits an answer), in time order.
 */
export async function getMetricData(
  aws: Aws,
  queries: readonly MetricQuery[],
  start: number,
  end: number,
): Promise<Map<string, MetricSeries>> {
  const cw = await aws.cloudwatch();
  const out = new Map<string, MetricSeries>();
  for (const q of queries) out.set(q.id, { timestamps: [], values: [], status: 'Complete' });
  await mapLimit(batchQueries(queries, end - start), 4, async (batch) => {
    let nextToken: string | undefined;
    do {
      const page = await read(aws, () =>
        cw.getMetricData({
          StartTime: new Date(start),
          EndTime: new Date(end),
          ScanBy: 'TimestampAscending',
          ...(nextToken ? { NextToken: nextToken } : {}),
          MetricDataQueries: batch.map((q) => ({
            Id: q.id,
            ReturnData: true,
            MetricStat: {
              Metric: {
                Namespace: q.namespace,
                MetricName: q.metricName,
                Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
              },
              Period: q.period,
              Stat: q.stat,
            },
          })),
        }),
      );
      for (const r of page.MetricDataResults ?? []) {
        const series = r.Id ? out.get(r.Id) : undefined;
        if (!series) continue;
        const timestamps = r.Timestamps ?? [];
        const values = r.Values ?? [];
        for (let i = 0; i < Math.min(timestamps.length, values.length); i++) {
          series.timestamps.push(new Date(timestamps[i]).getTime());
          series.values.push(values[i]);
        }
        if (r.StatusCode && r.StatusCode !== 'Complete' && r.StatusCode !== 'PartialData') series.status = r.StatusCode;
      }
      nextToken = page.NextToken;
    } while (nextToken);
  });
  for (const series of out.values()) sortSeries(series);
  return out;
}

/** Answers split over pages (or an emulator that ignores ScanBy) come back in time order. */
function sortSeries(series: MetricSeries): void {
  const order = series.timestamps.map((_, i) => i).sort((a, b) => series.timestamps[a] - series.timestamps[b]);
  if (order.every((v, i) => v === i)) return;
  series.timestamps = order.map((i) => series.timestamps[i]);
  series.values = order.map((i) => series.values[i]);
}
