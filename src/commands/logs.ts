import { defineCommand } from '../cli/command.js';
import type { LogsTailOptions } from '../logs/command.js';

const tail = defineCommand<LogsTailOptions>({
  name: 'tail',
  description:
    "Print the functions' logs (and with --api the API's access lines) in one stream, interleaved in time order; --follow for new ones",
  args: [{ name: 'functions', variadic: true, description: 'functions to show (default: every function of the stage)' }],
  options: [
    { flags: '--since <time>', description: 'start: 10m, 2h, 1d or a date/time like 2026-11-23T10:00 (default: 10m; with --follow: now)' },
    { flags: '--until <time>', description: 'end, same forms as --since (default: now)' },
    { flags: '--filter <pattern>', description: 'CloudWatch filter pattern, e.g. ERROR or "Task timed out"' },
    { flags: '-f, --follow', description: 'keep printing new events (Live Tail, or polling where it is not available) until Ctrl-C' },
    { flags: '--format <format>', description: 'text or json (default: text on a terminal, json when piped)', choices: ['text', 'json'] },
    { flags: '--api', description: "the API's access lines too (api.accessLog), beside the functions' lines" },
    { flags: '--utc', description: 'show and read times in UTC instead of local time' },
    { flags: '--poll-interval <duration>', description: 'with --follow, when polling: time between reads', default: '2s' },
    { flags: '--no-live-tail', description: 'with --follow: poll with FilterLogEvents even where Live Tail works' },
  ],
  examples: [
    'ops logs tail',
    'ops logs tail tasks-api tasks-worker --since 1h --filter ERROR',
    'ops logs tail --follow --stage prod',
    'ops logs tail --api --since 1h',
    'ops logs tail --since 2026-11-23T10:00 --until 2026-11-23T10:30 --utc --format json | jq .message',
  ],
  // The tail awaits its writes and its cache file: nothing is left to run when it returns.
  exitWhenDone: true,
  async run(ctx, args, opts) {
    const { logsTailCommand } = await import('../logs/command.js');
    return logsTailCommand(ctx, args.functions as string[] | undefined, opts);
  },
});

export default defineCommand({
  name: 'logs',
  description: "Read the fleet's logs",
  subcommands: [tail],
});
