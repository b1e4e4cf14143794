import { defineCommand } from '../cli/command.js';
import type { MetricsOptions } from '../metrics/command.js';

export default defineCommand<MetricsOptions>({
  name: 'metrics',
  description: 'Invocations, errors, throttles, duration and concurrency per function, with sparklines',
  args: [{ name: 'functions', variadic: true, description: 'functions to show (default: every function of the stage)' }],
  options: [
    { flags: '--since <time>', description: 'start: 1h, 6h, 7d or a date/time (default: 1h)' },
    { flags: '--period <duration>', description: 'one sparkline bar per period: 1m, 5m, 1h... (default: 5m, longer for long ranges)' },
    { flags: '--duration <stats>', description: 'duration statistics: avg, min, max, p50, p90, p99, p99.9... (default: p50,p99,max)' },
  ],
  examples: ['ops metrics', 'ops metrics tasks-api --since 24h --period 1h', 'ops metrics --stage prod --json'],
  async run(ctx, args, opts) {
    const { metricsCommand } = await import('../metrics/command.js');
    return metricsCommand(ctx, args.functions as string[] | undefined, opts);
  },
});
