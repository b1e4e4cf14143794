import { Chalk } from 'chalk';
import type { Aws } from '../aws/clients.js';
import { ReadLimiter } from '../aws/limiter.js';
import { awsLogSource, type LogSource, preloadLogsClient } from '../aws/logs-read.js';
import type { Context } from '../cli/context.js';
import { awsFor, loadFleetFor, selectFunctions } from '../cli/setup.js';
import type { Fleet } from '../config/types.js';
import { UsageError } from '../errors.js';
import { apiAccessGroups } from './access-line.js';
import { createFormatter, toRecord } from './format.js';
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_POLL_RATE } from './poll.js';
import { type TailOptions, tailLogs } from './tail.js';
import { durationOption, parseTimeArg } from './time.js';
import type { GroupLabel, TailEvent } from './types.js';

/** Flags of `ops logs tail`. */
export interface LogsTailOptions {
  since?: string;
  until?: string;
  filter?: string;
  follow?: boolean;
  format?: 'text' | 'json';
  utc?: boolean;
  pollInterval?: string;
  /** `--no-live-tail`: poll even where Live Tail works. */
  liveTail?: boolean;
  /** `--api`: the API's access lines too, beside the functions' (labelled with the API's name). */
  api?: boolean;
}

/** What tests (and embedders) can pass that a command line cannot. */
export interface LogsTailHooks {
  /** Ends a follow like Ctrl-C does. */
  signal?: AbortSignal;
  source?: (aws: Aws) => LogSource;
  tail?: Partial<Pick<TailOptions, 'live' | 'clock' | 'windowMs'>>;
}

/** Resolved `ops logs tail` flags: pure, so the rules are testable. */
export interface TailPlan {
  since?: number;
  until?: number;
  follow: boolean;
  json: boolean;
  pollIntervalMs: number;
  withDate: boolean;
}

export function planTail(opts: LogsTailOptions, ctx: { json: boolean; stdoutTTY: boolean; now: number }): TailPlan {
  const follow = Boolean(opts.follow);
  if (follow && opts.until) throw new UsageError('--until and --follow do not go together', { hint: 'drop one of them' });
  const utc = Boolean(opts.utc);
  const since = opts.since ? parseTimeArg('--since', opts.since, ctx.now, { utc }) : undefined;
  const until = opts.until ? parseTimeArg('--until', opts.until, ctx.now, { utc }) : undefined;
  if (since !== undefined && until !== undefined && until <= since) throw new UsageError('--until must be later than --since');
  if (since !== undefined && since > ctx.now) throw new UsageError(`--since ${opts.since} is in the future`);
  const json = opts.format === 'json' || (opts.format !== 'text' && (ctx.json || !ctx.stdoutTTY));
  const pollIntervalMs = opts.pollInterval
    ? durationOption('--poll-interval', opts.pollInterval, { min: 100, max: 300_000 })
    : DEFAULT_POLL_INTERVAL_MS;
  const day = new Date(ctx.now);
  const midnight = utc ? Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()) : new Date(day.toDateString()).getTime();
  const first = since ?? (follow ? ctx.now : ctx.now - 10 * 60_000);
  return { since, until, follow, json, pollIntervalMs, withDate: first < midnight || (until ?? ctx.now) - first > 86_400_000 };
}

export function labelsFor(fleet: Fleet, names: string[] | undefined): Map<string, GroupLabel> {
  return new Map(selectFunctions(fleet, names).map((fn) => [fn.logGroup, { key: fn.key, name: fn.name }]));
}

export async function logsTailCommand(ctx: Context, names: string[] | undefined, opts: LogsTailOptions, hooks: LogsTailHooks = {}) {
  if (!hooks.source) preloadLogsClient();
  // Reading logs needs the functions' group names, not a config AWS would accept (the limits check).
  const fleet = await loadFleetFor(ctx, { limits: false });
  const labels = labelsFor(fleet, names);
  if (opts.api) for (const [group, label] of apiAccessGroups(fleet)) labels.set(group, label);
  const started = Date.now();
  const plan = planTail(opts, { json: ctx.global.json, stdoutTTY: Boolean(ctx.io.stdout.isTTY), now: started });
  const write = (chunk: string) => ctx.io.stdout.write(chunk);
  let seen = 0;
  let emit: (events: TailEvent[]) => void;
  if (plan.json) {
    emit = (events) => {
      seen += events.length;
      write(`${events.map((e) => JSON.stringify(toRecord(e, labels))).join('\n')}\n`);
    };
  } else {
    // Colours and the formatter only for text: `--json` (and any piped tail) never builds them.
    const forced = ctx.env.FORCE_COLOR !== undefined && ctx.env.FORCE_COLOR !== '0';
    const color = new Chalk({ level: ctx.global.color && (forced || ctx.io.stdout.isTTY) ? 1 : 0 });
    const formatter = createFormatter({ color, labels, utc: opts.utc, withDate: plan.withDate });
    emit = (events) => {
      seen += events.length;
      const lines = events.flatMap((e) => formatter.format(e));
      if (lines.length > 0) write(`${lines.join('\n')}\n`);
    };
  }

  const aws = awsFor(ctx, fleet);
  // Ctrl-C ends a follow cleanly (exit 0); a second Ctrl-C is Node's default: exit at once.
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  const onHook = () => controller.abort();
  process.once('SIGINT', onSigint);
  hooks.signal?.addEventListener('abort', onHook, { once: true });
  if (hooks.signal?.aborted) controller.abort();
  try {
    await tailLogs({
      source: (hooks.source ?? awsLogSource)(aws),
      groups: [...labels.keys()],
      since: plan.since,
      until: plan.until,
      filterPattern: opts.filter,
      follow: plan.follow,
      liveTail: opts.liveTail !== false,
      pollIntervalMs: plan.pollIntervalMs,
      limiter: new ReadLimiter({ rate: DEFAULT_POLL_RATE, ...(hooks.tail?.clock ? { clock: hooks.tail.clock } : {}) }),
      signal: controller.signal,
      emit,
      talk: { info: (m) => ctx.log.info(m), warn: (m) => ctx.log.warn(m), debug: (m) => ctx.log.debug(m) },
      describe: (group) => labels.get(group)?.key ?? group,
      ...hooks.tail,
    });
    // Silence would read as "the command is broken": say what was searched.
    if (seen === 0) ctx.log.info(noEventsLine(plan, started, labels.size, opts.filter));
  } finally {
    process.removeListener('SIGINT', onSigint);
    hooks.signal?.removeEventListener('abort', onHook);
    aws.destroy();
  }
  return 0;
}

/** `no log events since 2026-12-06 06:10:00 (10 min ago) in 3 log groups`, for a tail that found nothing. */
export function noEventsLine(plan: TailPlan, now: number, groups: number, filter?: string): string {
  const from = plan.since ?? (plan.follow ? now : now - 10 * 60_000);
  const stamp = (t: number) =>
    new Date(t)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC');
  const ago = Math.max(0, Math.round((now - from) / 60_000));
  const span = `since ${stamp(from)}${plan.follow ? '' : ` (${ago} min ago)`}${plan.until !== undefined ? ` until ${stamp(plan.until)}` : ''}`;
  const where = `in ${groups} log group${groups === 1 ? '' : 's'}${filter ? ` matching ${JSON.stringify(filter)}` : ''}`;
  const hint = plan.follow ? '' : '; try a longer --since, or --follow to wait for new ones';
  return `no log events ${span} ${where}${hint}`;
}
