import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, describe, expect, it } from 'vitest';
import { createAws } from '../../src/aws/clients.js';
import { fleetSummary } from '../../src/metrics/summary.js';
import { tinyFleet, uniqueApp } from '../logs/support.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';

const emu = useEmulator();
const cw = new CloudWatchClient(emu.clientConfig);
afterAll(() => cw.destroy());

const MINUTE = 60_000;

/** Datapoints as Lambda publishes them (namespace AWS/Lambda, dimension FunctionName), `minutesAgo` back from now. */
async function putLambdaMetrics(fn: string, points: { minutesAgo: number; metric: string; value: number }[]): Promise<void> {
  const data: MetricDatum[] = points.map((p) => ({
    MetricName: p.metric,
    Dimensions: [{ Name: 'FunctionName', Value: fn }],
    Timestamp: new Date(Date.now() - p.minutesAgo * MINUTE),
    Value: p.value,
    Unit: p.metric === 'Duration' ? 'Milliseconds' : 'Count',
  }));
  for (let i = 0; i < data.length; i += 20)
    await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/Lambda', MetricData: data.slice(i, i + 20) }));
}

async function fleetWithMetrics() {
  const app = uniqueApp('mt');
  const cwd = await tinyFleet(app);
  const name = (fn: string) => `${app}-dev-${fn}`;
  await putLambdaMetrics(name('api'), [
    { minutesAgo: 50, metric: 'Invocations', value: 40 },
    { minutesAgo: 20, metric: 'Invocations', value: 50 },
    { minutesAgo: 2, metric: 'Invocations', value: 10 },
    { minutesAgo: 20, metric: 'Errors', value: 4 },
    { minutesAgo: 2, metric: 'Errors', value: 1 },
    { minutesAgo: 50, metric: 'Duration', value: 100 },
    { minutesAgo: 20, metric: 'Duration', value: 300 },
    { minutesAgo: 2, metric: 'Duration', value: 200 },
    { minutesAgo: 50, metric: 'ConcurrentExecutions', value: 3 },
    { minutesAgo: 20, metric: 'ConcurrentExecutions', value: 7 },
    // Outside the last hour: not counted.
    { minutesAgo: 90, metric: 'Invocations', value: 1000 },
  ]);
  await putLambdaMetrics(name('worker'), [
    { minutesAgo: 10, metric: 'Invocations', value: 8 },
    { minutesAgo: 10, metric: 'Throttles', value: 2 },
    { minutesAgo: 10, metric: 'Duration', value: 1500 },
  ]);
  return { app, cwd, name };
}

describe('ops metrics against the emulator', () => {
  it('sums, averages, maxima and error rates per function, in one GetMetricData call for the fleet', async () => {
    const { cwd, name } = await fleetWithMetrics();
    const proxy = await emu.proxy();
    const r = await runCli(['metrics', '--json', '--duration', 'avg,max'], { cwd, env: proxy.env });
    expect(r.code).toBe(0);
    expect(proxy.operations({ service: 'monitoring' })).toEqual(['monitoring.GetMetricData']);
    const out = r.json();
    expect(out).toMatchObject({ periodSeconds: 300 });
    expect(out.timestamps).toHaveLength(12);
    const [api, worker, cron] = out.functions;
    expect(api).toMatchObject({
      key: 'api',
      name: name('api'),
      invocations: 100,
      errors: 5,
      errorRate: 0.05,
      throttles: 0,
      concurrency: 7,
      duration: { avg: 200, max: 300 },
    });
    expect(api.series.invocations.filter((v: number) => v > 0).sort()).toEqual([10, 40, 50]);
    expect(worker).toMatchObject({ invocations: 8, errors: 0, errorRate: 0, throttles: 2, duration: { avg: 1500, max: 1500 } });
    expect(cron).toMatchObject({ invocations: 0, errorRate: null, concurrency: null, duration: { avg: null, max: null } });
  });

  it('prints a table with sparklines; percentiles the emulator cannot compute fall back to avg and max, said once', async () => {
    const { cwd } = await fleetWithMetrics();
    const r = await runCli(['metrics', 'api', 'worker'], { cwd, env: emu.env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/failed on percentile statistics \(p50, p99\); showing avg and max instead/);
    const [header, api, worker] = r.stdout.trimEnd().split('\n');
    expect(header.split(/\s{2,}/)).toEqual([
      'function',
      'invocations',
      'errors',
      'error rate',
      'throttles',
      'avg',
      'max',
      'max trend',
      'concurrency',
    ]);
    expect(api).toMatch(/^api +100 [▁-█]{12} +5 [▁-█]{12} +5\.00% +0 ▁{12} +200ms +300ms /);
    expect(worker).toMatch(/^worker +8 [▁-█]{12} +0 ▁{12} +0% +2 [▁-█]{12} +1\.50s +1\.50s /);
  });

  it('fleetSummary gives ops status the last hour per function in one call', async () => {
    const { name } = await fleetWithMetrics();
    const proxy = await emu.proxy();
    const aws = createAws({ region: 'us-east-1', env: proxy.env as NodeJS.ProcessEnv });
    const fns = ['api', 'worker', 'cron'].map((key) => ({ key, name: name(key) }));
    try {
      const summary = await fleetSummary(aws, { functions: fns }, Date.now() - 3_600_000);
      expect(summary).toEqual({
        api: { invocations: 100, errors: 5, errorRate: 0.05 },
        worker: { invocations: 8, errors: 0, errorRate: 0 },
        cron: { invocations: 0, errors: 0, errorRate: 0 },
      });
      // A duration works too: the last two hours include the old burst.
      expect((await fleetSummary(aws, { functions: fns }, 2 * 3_600_000)).api.invocations).toBe(1100);
      expect(proxy.operations({ service: 'monitoring' })).toEqual(['monitoring.GetMetricData', 'monitoring.GetMetricData']);
    } finally {
      aws.destroy();
    }
  });
});
