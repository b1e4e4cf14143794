import { Chalk } from 'chalk';
import type { Aws } from '../aws/clients.js';
import { ReadLimiter } from '../aws/limiter.js';
import { awsLogSource, type LogSource, preloadLogsClient } from '../aws/logs-read.js';
import { awsForRegion } from '../cli/aws-for.js';
import type { Context } from '../cli/context.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { UsageError } from '../errors.js';
import { apiAccessGroups } from './access-line.js';
import { EarlyReads, type Resolved, recall, remember, sameResolution } from './early.js';
import { createFormatter } from './format.js';
import { jsonLineWriter } from './json-line.js';
import { pacedWriter } from './output.js';
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_POLL_RATE } from './poll.js';
import { type TailOptions, tailLogs, windowEnd } from './tail.js';
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

export function labelsFor(fns: FunctionSpec[]): Map<string, GroupLabel> {
  return new Map(fns.map((fn) => [fn.logGroup, { key: fn.key, name: fn.name }]));
}

export async function logsTailCommand(ctx: Context, names: string[] | undefined, opts: LogsTailOptions, hooks: LogsTailHooks = {}) {
  const started = Date.now();
  const plan = planTail(opts, { json: ctx.global.json, stdoutTTY: Boolean(ctx.io.stdout.isTTY), now: started });
  const limiter = new ReadLimiter({ rate: DEFAULT_POLL_RATE, ...(hooks.tail?.clock ? { clock: hooks.tail.clock } : {}) });
  if (!hooks.source) preloadLogsClient();
  // A range read by a real command (no test hooks) ends at the command's start, so the reads started
  // before the config loads (src/logs/early.ts) are the very queries the tail makes.
  const ahead = hooks.source || hooks.tail || plan.follow ? undefined : await startEarly(ctx, names, opts, plan, started, limiter);
  let fleet: Fleet;
  let labels: Map<string, GroupLabel>;
  try {
    // The early reads go out first: the config's modules (compiled on this one thread like the Logs client's)
    // load while AWS answers, instead of delaying the request they would share the thread with.
    if (ahead) await ahead.sent;
    // Loaded here, not imported above: the config's modules load while the early reads are out.
    const setup = await import('../cli/setup.js');
    // Reading logs needs the functions' group names, not a config AWS would accept (the limits check).
    fleet = await setup.loadFleetFor(ctx, { limits: false });
    labels = labelsFor(setup.selectFunctions(fleet, names));
    if (opts.api) for (const [group, label] of apiAccessGroups(fleet)) labels.set(group, label);
  } catch (error) {
    // A config error or an unknown function: the early reads must not keep the process alive.
    ahead?.reads.drop();
    ahead?.aws.destroy();
    throw error;
  }
  const useAhead = ahead && sameResolution(ahead.resolved, resolvedOf(fleet, labels));
  if (ahead && !useAhead) {
    ahead.reads.drop();
    ahead.aws.destroy();
  }
  if (!hooks.source && !useAhead) await remember(ahead?.key ?? keyOf(ctx, names, opts), resolvedOf(fleet, labels));
  const emit = emitter(ctx, opts, plan, labels);

  const aws = useAhead ? ahead.aws : awsForRegion(ctx, fleet.region);
  // Ctrl-C ends a follow cleanly (exit 0); a second Ctrl-C is Node's default: exit at once.
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  const onHook = () => controller.abort();
  process.once('SIGINT', onSigint);
  hooks.signal?.addEventListener('abort', onHook, { once: true });
  if (hooks.signal?.aborted) controller.abort();
  try {
    await tailLogs({
      source: useAhead ? ahead.reads : (hooks.source ?? awsLogSource)(aws),
      groups: [...labels.keys()],
      since: plan.since,
      until: ahead ? ahead.until : plan.until,
      filterPattern: opts.filter,
      follow: plan.follow,
      liveTail: opts.liveTail !== false,
      pollIntervalMs: plan.pollIntervalMs,
      limiter,
      signal: controller.signal,
      emit: emit.events,
      talk: { info: (m) => ctx.log.info(m), warn: (m) => ctx.log.warn(m), debug: (m) => ctx.log.debug(m) },
      describe: (group) => labels.get(group)?.key ?? group,
      ...hooks.tail,
    });
    await emit.idle();
    // Silence would read as "the command is broken": say what was searched.
    if (emit.seen() === 0) ctx.log.info(noEventsLine(plan, started, labels.size, opts.filter));
  } finally {
    process.removeListener('SIGINT', onSigint);
    hooks.signal?.removeEventListener('abort', onHook);
    if (useAhead) ahead.reads.drop();
    aws.destroy();
  }
  return 0;
}

/** Writes events to stdout as JSON lines or text, counting them; `idle` once all is written. */
function emitter(ctx: Context, opts: LogsTailOptions, plan: TailPlan, labels: Map<string, GroupLabel>) {
  const out = pacedWriter(ctx.io.stdout);
  let seen = 0;
  if (plan.json) {
    const line = jsonLineWriter(labels);
    return {
      seen: () => seen,
      idle: out.idle,
      events: (events: TailEvent[]) => {
        seen += events.length;
        return out.write(events, line);
      },
    };
  }
  // Colours and the formatter only for text: `--json` (and any piped tail) never builds them.
  const forced = ctx.env.FORCE_COLOR !== undefined && ctx.env.FORCE_COLOR !== '0';
  const color = new Chalk({ level: ctx.global.color && (forced || ctx.io.stdout.isTTY) ? 1 : 0 });
  const formatter = createFormatter({ color, labels, utc: opts.utc, withDate: plan.withDate });
  return {
    seen: () => seen,
    idle: out.idle,
    events: (events: TailEvent[]) => {
      seen += events.length;
      return out.write(events, formatter.format);
    },
  };
}

const noop = () => {};

/** What names a command line's resolution: everything the fleet's groups and region may depend on. */
function keyOf(ctx: Context, names: string[] | undefined, opts: LogsTailOptions): unknown[] {
  const { stage, config, region, endpointUrl, profile } = ctx.global;
  const env = ctx.env;
  return [
    ctx.cwd,
    stage,
    config,
    region,
    env.AWS_REGION,
    env.AWS_DEFAULT_REGION,
    endpointUrl,
    env.AWS_ENDPOINT_URL,
    profile,
    env.AWS_PROFILE,
    names ?? [],
    Boolean(opts.api),
  ];
}

function resolvedOf(fleet: Fleet, labels: Map<string, GroupLabel>): Resolved {
  return { region: fleet.region, labels: [...labels] };
}

/** The first window's reads of the groups this command line resolved to last time, started now. */
async function startEarly(
  ctx: Context,
  names: string[] | undefined,
  opts: LogsTailOptions,
  plan: TailPlan,
  now: number,
  limiter: ReadLimiter,
) {
  const key = keyOf(ctx, names, opts);
  const resolved = await recall(key);
  if (!resolved) return undefined;
  const aws = awsForRegion(ctx, resolved.region);
  // Resolved when the first read is handed to the HTTP handler (credentials, endpoint and signing done), or fails.
  let onSend = () => {};
  const handedOver = new Promise<void>((resolve) => (onSend = resolve));
  const reads = new EarlyReads(awsLogSource(aws, { onSend }));
  const until = plan.until ?? now;
  const from = plan.since ?? until - 10 * 60_000;
  const endTime = windowEnd(from, until);
  reads.start(
    resolved.labels.map(([group]) => ({ group, startTime: from, endTime, filterPattern: opts.filter })),
    limiter,
  );
  // The config's modules start loading once the first request is on its way (the connection is opened on the next
  // turn of the event loop): started earlier, their compile ran ahead of the request's own last steps (the
  // command's module, the signing), which delayed AWS's answer by as much. A read that fails before it is sent
  // (a client that cannot be built) ends the wait too, and reports its error when the tail takes it.
  const started = reads.started();
  const sent = (started.length ? Promise.race([handedOver, ...started.map((r) => r.then(noop, noop))]) : Promise.resolve()).then(
    () => new Promise<void>((resolve) => setImmediate(resolve)),
  );
  return { key, resolved, aws, reads, until, sent };
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
