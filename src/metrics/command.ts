import { Chalk } from 'chalk';
import { getMetricData } from '../aws/cloudwatch.js';
import type { Context } from '../cli/context.js';
import { awsFor, loadFleetFor, selectFunctions } from '../cli/setup.js';
import { UsageError } from '../errors.js';
import { durationOption, formatSpan, parseTimeArg } from '../logs/time.js';
import { renderMetrics } from '../ui/metrics.js';
import {
  alignRange,
  choosePeriod,
  collateMetrics,
  DEFAULT_DURATION_STATS,
  type FleetMetrics,
  type MetricsRequest,
  metricQueries,
  parseDurationStats,
} from './queries.js';

/** Flags of `ops metrics`. */
export interface MetricsOptions {
  since?: string;
  period?: string;
  /** `p50,p99,max` (default), any of avg, min, max, pNN. */
  duration?: string;
}

export async function metricsCommand(ctx: Context, names: string[] | undefined, opts: MetricsOptions): Promise<number> {
  const fleet = await loadFleetFor(ctx);
  const functions = selectFunctions(fleet, names);
  const now = Date.now();
  const sinceAt = parseTimeArg('--since', opts.since ?? '1h', now);
  if (sinceAt >= now) throw new UsageError(`--since ${opts.since} is not in the past`);
  const periodSeconds = choosePeriod(now - sinceAt, opts.period ? durationOption('--period', opts.period) : undefined);
  const { start, end } = alignRange(now, sinceAt, periodSeconds);
  if ((end - start) / (periodSeconds * 1000) > 1440) {
    throw new UsageError(`--period ${opts.period} gives ${Math.round((end - start) / (periodSeconds * 1000))} periods`, {
      hint: 'use a longer --period (at most 1440 periods)',
    });
  }
  const durationStats = opts.duration ? parseDurationStats(opts.duration) : [...DEFAULT_DURATION_STATS];
  let request: MetricsRequest = { functions, start, end, periodSeconds, durationStats };

  const aws = awsFor(ctx, fleet);
  try {
    const fetch = (req: MetricsRequest) => getMetricData(aws, metricQueries(req), start, end).then((r) => collateMetrics(req, r));
    let metrics: FleetMetrics;
    try {
      metrics = await fetch(request);
    } catch (error) {
      // Emulators (moto) fail the whole call on percentile statistics: fall back to what they compute.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const percentiles = durationStats.filter((s) => s.startsWith('p'));
      if (!aws.endpointUrl || percentiles.length === 0 || !status || status < 500) throw error;
      ctx.log.warn(`${aws.endpointUrl} failed on percentile statistics (${percentiles.join(', ')}); showing avg and max instead`);
      request = { ...request, durationStats: [...new Set(['avg', 'max', ...durationStats.filter((s) => !s.startsWith('p'))])] };
      metrics = await fetch(request);
    }
    if (ctx.global.json) {
      const iso = (t: number) => new Date(t).toISOString();
      ctx.outJson({
        app: fleet.app,
        stage: fleet.stage,
        region: fleet.region,
        start: iso(start),
        end: iso(end),
        periodSeconds,
        timestamps: metrics.timestamps.map(iso),
        functions: metrics.functions,
      });
      return 0;
    }
    ctx.log.info(
      ctx.color.dim(`${fleet.app} ${fleet.stage}: last ${formatSpan(end - start)} in ${formatSpan(periodSeconds * 1000)} periods`),
    );
    const forced = ctx.env.FORCE_COLOR !== undefined && ctx.env.FORCE_COLOR !== '0';
    const color = new Chalk({ level: ctx.global.color && (forced || ctx.io.stdout.isTTY) ? 1 : 0 });
    for (const line of renderMetrics(metrics, { color })) ctx.out(line);
    return 0;
  } finally {
    aws.destroy();
  }
}
