import { setMaxListeners } from 'node:events';
import type { ReadLimiter } from '../aws/limiter.js';
import type { LogSource } from '../aws/logs-read.js';
import { type Clock, childSignal, systemClock } from '../clock.js';
import { followLive, type LiveOptions, LiveTailUnavailable } from './live.js';
import { Poller } from './poll.js';
import { formatSpan } from './time.js';
import { byTime, type TailEvent } from './types.js';

/** Where the tail engine talks (stderr through the command's logger). */
export interface TailTalk {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface TailOptions {
  source: LogSource;
  groups: readonly string[];
  /** Epoch ms; without it a follow starts now. */
  since?: number;
  until?: number;
  filterPattern?: string;
  follow: boolean;
  /** Use Live Tail when following (falls back to polling when it is not available). */
  liveTail: boolean;
  pollIntervalMs: number;
  /** Every FilterLogEvents call goes through it. */
  limiter: ReadLimiter;
  clock?: Clock;
  signal: AbortSignal;
  /** Events in time order (within what one read delivered); a range read waits for a promise it returns (the output's pace). */
  emit(events: TailEvent[]): unknown;
  talk: TailTalk;
  /** How to describe a group in messages (`tasks-api (/aws/lambda/app-dev-tasks-api)`). */
  describe?(group: string): string;
  /** Tests: Live Tail timings. */
  live?: Partial<Pick<LiveOptions, 'maxSessionMs' | 'overlapMs' | 'reconnectDelaysMs'>>;
  /** Non-follow reads go window by window, so output starts early and memory stays bounded. */
  windowMs?: number;
}

/**
 * `ops logs tail`: prints the range (interleaved across groups in time order, window by window),
 * then, with follow, streams new events with Live Tail or, where that is not available, polling.
 * Returns when done or when the signal aborts.
 */
export async function tailLogs(options: TailOptions): Promise<void> {
  // A signal of our own: a failure of one loop stops the other (nothing may run on after the
  // command failed), and every group waiting for its read budget listens to it (past Node's 10).
  const own = childSignal(options.signal);
  setMaxListeners(Math.max(10, options.groups.length * 3 + 20), own.signal);
  try {
    await tail({ ...options, signal: own.signal });
  } catch (error) {
    own.abort();
    throw error;
  } finally {
    own.dispose();
  }
}

async function tail(opts: TailOptions): Promise<void> {
  const clock = opts.clock ?? systemClock;
  const describe = opts.describe ?? ((g: string) => g);
  const startedAt = clock.now();
  const missing = new Set<string>();
  let history: TailEvent[] = [];

  if (!opts.follow || opts.since !== undefined) {
    const to = opts.follow ? startedAt : (opts.until ?? startedAt);
    const from = opts.since ?? to - 10 * 60_000;
    history = await readRange(opts, from, to, missing);
    if (!opts.follow) {
      for (const group of missing) opts.talk.warn(`no log group for ${describe(group)} yet (the function has not run); skipped`);
      return;
    }
  }
  if (opts.signal.aborted) return;

  const followFrom = startedAt;
  const signal = opts.signal;
  const poller = new Poller({
    source: opts.source,
    filterPattern: opts.filterPattern,
    intervalMs: opts.pollIntervalMs,
    limiter: opts.limiter,
    clock,
    signal,
    onEvents: opts.emit,
    onMissing: (group) => opts.talk.info(`waiting for ${describe(group)}: its log group does not exist yet (the function has not run)`),
    onFound: (group) => opts.talk.info(`${describe(group)} has logs now`),
    onThrottled: (group) => opts.talk.debug(`FilterLogEvents throttled on ${group}; slowing down`),
  });
  const polling = `polling every ${formatSpan(opts.pollIntervalMs)}`;
  const pollAll = (groups: readonly string[], from: number) => {
    for (const group of groups) poller.add(group, from, history);
  };

  let live: Promise<void> = Promise.resolve();
  if (opts.liveTail) {
    const existing = await opts.source.existing(opts.groups);
    pollAll(
      opts.groups.filter((g) => !existing.has(g)),
      followFrom,
    );
    if (existing.size > 0) {
      live = followLive({
        source: opts.source,
        groups: opts.groups.filter((g) => existing.has(g)),
        filterPattern: opts.filterPattern,
        signal,
        clock,
        ...opts.live,
        backfillFrom: followFrom,
        backfill: (groups, from, signal) => readAll(opts, groups, from, signal),
        onEvents: opts.emit,
        onSampled: () => opts.talk.warn('live tail is sampling: more events arrive than it streams (narrow it with --filter)'),
        onReconnect: (reason) => opts.talk.debug(`live tail reconnecting: ${reason}`),
        onWarning: (message) => opts.talk.warn(message),
        onGiveUp: (groups, from, error) => {
          opts.talk.warn(`live tail keeps failing (${(error as Error)?.message ?? error}); ${polling}`);
          pollAll(groups, from);
        },
      }).catch((error) => {
        if (!(error instanceof LiveTailUnavailable)) throw error;
        opts.talk.info(`live tail not available here; ${polling}`);
        opts.talk.debug(error.message);
        pollAll(opts.groups, followFrom);
      });
    }
  } else {
    pollAll(opts.groups, followFrom);
  }
  await Promise.all([live, poller.run()]);
}

/** How long a range read's windows are unless `windowMs` says otherwise. */
export const RANGE_WINDOW_MS = 3_600_000;

/**
 * Where the window that starts at `start` ends, for a range ending at `to`. A last piece shorter than a
 * tenth of a window joins the window before it: `--since 1h` (its start taken a few milliseconds
 * before `to`) is one read, not a second round trip for those milliseconds.
 */
export function windowEnd(start: number, to: number, windowMs = RANGE_WINDOW_MS): number {
  return to - start < windowMs * 1.1 ? to : start + windowMs - 1;
}

/** Every event of every group in [from, to], window by window, each window in time order. */
async function readRange(opts: TailOptions, from: number, to: number, missing: Set<string>): Promise<TailEvent[]> {
  const windowMs = opts.windowMs ?? RANGE_WINDOW_MS;
  const recent: TailEvent[] = [];
  for (let start = from, end = from; start <= to && !opts.signal.aborted; start = end + 1) {
    end = windowEnd(start, to, windowMs);
    const groups = opts.groups.filter((g) => !missing.has(g));
    const events = await readGroups(opts, groups, start, end, opts.signal, missing);
    if (opts.signal.aborted) break;
    events.sort(byTime);
    if (events.length > 0) await opts.emit(events);
    // What a follow's poller (which re-reads a little before it starts) must not print again.
    for (const e of events) if (e.timestamp >= to - 60_000) recent.push(e);
  }
  return recent;
}

/** A backfill for Live Tail: everything since `from`. */
function readAll(opts: TailOptions, groups: readonly string[], from: number, signal: AbortSignal): Promise<TailEvent[]> {
  return readGroups(opts, groups, from, undefined, signal, new Set());
}

async function readGroups(
  opts: TailOptions,
  groups: readonly string[],
  startTime: number,
  endTime: number | undefined,
  signal: AbortSignal,
  missing: Set<string>,
): Promise<TailEvent[]> {
  const all: TailEvent[] = [];
  await Promise.all(
    groups.map(async (group) => {
      let nextToken: string | undefined;
      const tokens = new Set<string>();
      do {
        if (signal.aborted) return;
        const query = { group, startTime, endTime, filterPattern: opts.filterPattern, nextToken };
        const page = await opts.limiter
          .run(() => opts.source.filter(query, signal), signal)
          .catch((error) => {
            if (signal.aborted) return undefined;
            throw error;
          });
        if (page === undefined) {
          if (!signal.aborted) missing.add(group);
          return;
        }
        all.push(...page.events);
        nextToken = page.nextToken;
        // A token seen twice would loop forever (an emulator bug, not AWS).
        if (nextToken && tokens.has(nextToken)) break;
        if (nextToken) tokens.add(nextToken);
      } while (nextToken);
    }),
  );
  return all;
}
