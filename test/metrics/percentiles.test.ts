import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataInput, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { tinyFleet, uniqueApp } from '../logs/support.js';
import { runCli } from '../support/cli.js';

const cwMock = mockClient(CloudWatchClient);
afterEach(() => cwMock.reset());

const ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_ENDPOINT_URL: undefined,
  AWS_PROFILE: undefined,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * What CloudWatch answers, per query: per-period percentiles rise over the hour; the whole-range
 * query (one period as long as the range) has one datapoint with the true percentile.
 */
function answer(input: GetMetricDataInput): { MetricDataResults: MetricDataResult[] } {
  const start = input.StartTime!.getTime();
  const results = input.MetricDataQueries!.map((q): MetricDataResult => {
    const stat = q.MetricStat!;
    const period = stat.Period! * 1000;
    const n = Math.round((input.EndTime!.getTime() - start) / period);
    const ts = Array.from({ length: n }, (_, k) => new Date(start + k * period));
    const value = (k: number): number => {
      switch (`${stat.Metric!.MetricName} ${stat.Stat}`) {
        case 'Invocations Sum':
          return 100;
        case 'Errors Sum':
          return k === n - 1 ? 3 : 0;
        case 'Throttles Sum':
          return 0;
        case 'ConcurrentExecutions Maximum':
          return 2 + k;
        case 'Duration p50':
          return n === 1 ? 48.5 : 40 + k;
        case 'Duration p99':
          return n === 1 ? 812.25 : 500 + 25 * k;
        case 'Duration Maximum':
          return n === 1 ? 1930 : 900 + k;
        default:
          throw new Error(`unexpected query ${stat.Metric!.MetricName} ${stat.Stat}`);
      }
    };
    return { Id: q.Id, Label: q.Id, Timestamps: ts, Values: ts.map((_, k) => value(k)), StatusCode: 'Complete' };
  });
  return { MetricDataResults: results };
}

describe('ops metrics with percentiles (mocked GetMetricData)', () => {
  it('shows p50/p99 over the whole range, and per period for the sparklines', async () => {
    const cwd = await tinyFleet(uniqueApp('pc'), ['api', 'worker']);
    cwMock.on(GetMetricDataCommand).callsFake(answer);
    const r = await runCli(['metrics', '--json'], { cwd, env: ENV });
    expect(r.code).toBe(0);
    expect(cwMock.commandCalls(GetMetricDataCommand)).toHaveLength(1);
    const input = cwMock.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(input.MetricDataQueries).toHaveLength(2 * 10);
    expect(input.ScanBy).toBe('TimestampAscending');
    const [api] = r.json().functions;
    expect(api.duration).toEqual({ p50: 48.5, p99: 812.25, max: 1930 });
    expect(api.series.duration.p99).toEqual(Array.from({ length: 12 }, (_, k) => 500 + 25 * k));
    expect(api).toMatchObject({ invocations: 1200, errors: 3, errorRate: 0.0025, concurrency: 13 });

    const text = await runCli(['metrics', 'api'], { cwd, env: ENV });
    const [header, row] = text.stdout.trimEnd().split('\n');
    expect(header.split(/\s{2,}/)).toEqual([
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
    expect(row).toMatch(/^api +1,200 █{12} +3 ▁{11}█ +0\.25% +0 ▁{12} +49ms +812ms +1\.93s +▆{5}▇{4}█{3} +13 [▁-█]{12}$/);
  });

  it('splits a large fleet over calls of at most 500 queries', async () => {
    const fns = Array.from({ length: 60 }, (_, i) => `f${i}`);
    const cwd = await tinyFleet(uniqueApp('pc'), fns);
    cwMock.on(GetMetricDataCommand).callsFake(answer);
    const r = await runCli(['metrics', '--json', '--since', '30m', '--period', '1m'], { cwd, env: ENV });
    expect(r.code).toBe(0);
    const sizes = cwMock.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.MetricDataQueries!.length);
    expect(sizes).toEqual([500, 100]);
    const out = r.json();
    expect(out.periodSeconds).toBe(60);
    expect(out.functions).toHaveLength(60);
    expect(out.functions[59].duration.p99).toBe(812.25);
  });
});
