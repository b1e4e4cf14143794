import { LIVE_TAIL_MAX_GROUPS, type LiveTailFrame, type LogSource } from '../aws/logs-read.js';
import { type Clock, childSignal, systemClock } from '../clock.js';
import { MergeDedupe } from './dedupe.js';
import { byTime, type TailEvent } from './types.js';

/** Live Tail ends a session after 3 hours: a new one starts before, overlapping the old one. */
export const DEFAULT_MAX_SESSION_MS = 3 * 3_600_000 - 5 * 60_000;

export interface LiveOptions {
  source: LogSource;
  /** Existing log groups; split into sessions of at most 10. */
  groups: readonly string[];
  filterPattern?: string;
  signal: AbortSignal;
  clock?: Clock;
  /** Age at which a session is replaced by a new one. */
  maxSessionMs?: number;
  /** How long the old and the new session run side by side when replacing. */
  overlapMs?: number;
  /** Waits before each new attempt when a session cannot be (re)started; after the last, Live Tail is given up. */
  reconnectDelaysMs?: readonly number[];
  /**
   * Reads what no session can have delivered (`from` until now: before the first session started,
   * or while one reconnected), e.g. with FilterLogEvents. Copies of live events are dropped.
   */
  backfill?(groups: readonly string[], from: number, signal: AbortSignal): Promise<TailEvent[]>;
  /** Where the first backfill starts (when following began). */
  backfillFrom?: number;
  /** Not waited for: the output keeps the order of deliveries (src/logs/output.ts). */
  onEvents(events: TailEvent[]): unknown;
  /** Live Tail sampled the events (more than it streams): said once. */
  onSampled?(): void;
  onReconnect?(reason: string): void;
  /** Live Tail failed for good on these groups: the caller follows them another way from `from`. */
  onGiveUp?(groups: readonly string[], from: number, error: unknown): void;
  onWarning?(message: string): void;
}

/** The first session could not start: Live Tail is not available here (API, endpoint or permission). */
export class LiveTailUnavailable extends Error {
  constructor(cause: unknown) {
    super(`live tail not available: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'LiveTailUnavailable';
  }
}

type Outcome = { kind: 'closed' } | { kind: 'ended'; reason: string };

interface Session {
  id: string;
  startedAt: number;
  /** When the stream last delivered anything. */
  lastFrameAt: number;
  /** Resolves when the stream stops: closed by us, or ended/failed by the service. */
  done: Promise<Outcome>;
  close(): void;
}

/**
 * Follows groups with StartLiveTail, one session per 10 groups. A session is replaced before its
 * 3-hour limit (new one first, then the old one closes), restarted when its stream ends, and the
 * gap of a restart is backfilled; every event goes through one dedupe so overlaps print once.
 * Throws LiveTailUnavailable when the first sessions cannot start; returns when the signal aborts.
 */
export async function followLive(opts: LiveOptions): Promise<void> {
  const clock = opts.clock ?? systemClock;
  const maxSessionMs = opts.maxSessionMs ?? DEFAULT_MAX_SESSION_MS;
  const overlapMs = opts.overlapMs ?? 10_000;
  const delays = opts.reconnectDelaysMs ?? [500, 1_000, 2_000, 5_000, 10_000, 30_000];
  const dedupe = new MergeDedupe(clock.now);
  let sessions = 0;
  let backfills = 0;
  let sampledSaid = false;

  const deliver = (events: TailEvent[], source: string) => {
    const fresh = events.filter((e) => dedupe.admit(e, source));
    if (fresh.length > 0 && !opts.signal.aborted) opts.onEvents(fresh.sort(byTime));
  };

  async function open(groups: readonly string[]): Promise<Session> {
    const id = `live${++sessions}`;
    const own = childSignal(opts.signal);
    const startedAt = clock.now();
    let iterator: AsyncIterator<LiveTailFrame>;
    let first: IteratorResult<LiveTailFrame> | undefined;
    try {
      iterator = (await opts.source.liveTail(groups, opts.filterPattern, own.signal))[Symbol.asyncIterator]();
      first = await next(iterator, own.signal);
    } catch (error) {
      own.abort();
      own.dispose();
      throw error;
    }
    if (first === undefined || first.done) {
      own.abort();
      own.dispose();
      throw new Error('the Live Tail stream ended before its session started');
    }
    const pending = first.value;
    const session = { id, startedAt, lastFrameAt: clock.now() } as Session;
    const done = (async (): Promise<Outcome> => {
      try {
        if (pending.type === 'update') handle(pending, id);
        for (;;) {
          const result = await next(iterator, own.signal);
          if (result === undefined) return { kind: 'closed' };
          session.lastFrameAt = clock.now();
          if (result.done) return { kind: 'ended', reason: 'the stream ended' };
          if (result.value.type === 'timeout') return { kind: 'ended', reason: 'the session reached its time limit' };
          handle(result.value, id);
        }
      } catch (error) {
        if (own.signal.aborted) return { kind: 'closed' };
        return { kind: 'ended', reason: (error as Error)?.message ?? String(error) };
      } finally {
        own.abort(); // releases the stream's connection whatever ended it
        own.dispose();
      }
    })();
    return Object.assign(session, { done, close: () => own.abort() });
  }

  function handle(frame: LiveTailFrame, id: string): void {
    if (frame.type !== 'update') return;
    if (frame.sampled && !sampledSaid) {
      sampledSaid = true;
      opts.onSampled?.();
    }
    if (frame.events.length > 0) deliver(frame.events, id);
  }

  async function reopen(groups: readonly string[]): Promise<Session> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await open(groups);
      } catch (error) {
        if (opts.signal.aborted || attempt >= delays.length) throw error;
        await clock.sleep(delays[attempt], opts.signal);
      }
    }
  }

  async function backfill(groups: readonly string[], from: number): Promise<void> {
    if (!opts.backfill || opts.signal.aborted) return;
    try {
      // Each read is a source of its own: copies are judged against every other source.
      deliver(await opts.backfill(groups, from, opts.signal), `backfill${++backfills}`);
    } catch (error) {
      if (!opts.signal.aborted) opts.onWarning?.(`could not read the logs of a reconnect gap: ${(error as Error).message}`);
    }
  }

  async function follow(groups: readonly string[], first: Session): Promise<void> {
    let current = first;
    if (opts.backfillFrom !== undefined) await backfill(groups, opts.backfillFrom);
    while (!opts.signal.aborted) {
      const timer = childSignal(opts.signal);
      const outcome = await Promise.race([
        current.done,
        clock.sleep(current.startedAt + maxSessionMs - clock.now(), timer.signal).then(() => 'rotate' as const),
      ]);
      timer.abort();
      timer.dispose();
      if (opts.signal.aborted) break;
      if (outcome === 'rotate') {
        // Replace before the limit: the new session streams before the old one closes, so nothing falls between.
        const previous = current;
        try {
          current = await reopen(groups);
        } catch (error) {
          if (opts.signal.aborted) break;
          previous.close();
          opts.onGiveUp?.(groups, previous.startedAt, error);
          return;
        }
        await clock.sleep(overlapMs, opts.signal);
        previous.close();
        await previous.done;
        continue;
      }
      if (outcome.kind === 'closed') break;
      // The stream ended under us: start again and read the gap with FilterLogEvents.
      const gapFrom = current.lastFrameAt - overlapMs;
      opts.onReconnect?.(outcome.reason);
      try {
        current = await reopen(groups);
      } catch (error) {
        if (opts.signal.aborted) break;
        opts.onGiveUp?.(groups, gapFrom, error);
        return;
      }
      await backfill(groups, gapFrom);
    }
    current.close();
    await current.done;
  }

  const chunks: (readonly string[])[] = [];
  for (let i = 0; i < opts.groups.length; i += LIVE_TAIL_MAX_GROUPS) chunks.push(opts.groups.slice(i, i + LIVE_TAIL_MAX_GROUPS));
  const started = await Promise.allSettled(chunks.map((chunk) => open(chunk)));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    for (const s of started) if (s.status === 'fulfilled') s.value.close();
    if (opts.signal.aborted) return;
    throw new LiveTailUnavailable(failed.reason);
  }
  await Promise.all(chunks.map((chunk, i) => follow(chunk, (started[i] as PromiseFulfilledResult<Session>).value)));
}

/** The iterator's next frame, or `undefined` once the signal aborts (the iterator is then asked to stop). */
async function next<T>(iterator: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T> | undefined> {
  if (signal.aborted) return undefined;
  let onAbort = () => {};
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const step = iterator.next();
  step.catch(() => undefined); // an abandoned step may still fail later
  try {
    const result = await Promise.race([step, aborted]);
    if (result === undefined) void Promise.resolve(iterator.return?.()).catch(() => undefined);
    return result;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
