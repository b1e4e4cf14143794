import { isThrottling } from '../aws/errors.js';
import type { ReadLimiter } from '../aws/limiter.js';
import type { LogSource } from '../aws/logs-read.js';
import { type Clock, systemClock } from '../clock.js';
import { UserError } from '../errors.js';
import { byTime, type TailEvent } from './types.js';

/** FilterLogEvents is limited per account and region (5/s by default, shared with every other caller). */
export const DEFAULT_POLL_RATE = 4;
export const DEFAULT_POLL_INTERVAL_MS = 2_000;

export interface PollerOptions {
  source: LogSource;
  filterPattern?: string;
  /** Time between the starts of two turns over every group. */
  intervalMs: number;
  /**
   * Each turn re-reads from this long before the newest event seen, so events that arrive late with
   * an older timestamp are still found; the ids seen in that overlap keep them from printing twice.
   */
  overlapMs?: number;
  /** Pages one group may read per turn; a longer backlog continues from its page token next turn. */
  maxPagesPerTurn?: number;
  /** Shared by every call of the loop: a token bucket that halves its rate when throttled. */
  limiter: ReadLimiter;
  clock?: Clock;
  signal: AbortSignal;
  /** The new events of one turn, in time order. */
  /** The poller's next turn waits for a promise it returns (the output's pace). */
  onEvents(events: TailEvent[]): unknown;
  /** The group does not exist (yet): said once per group. */
  onMissing?(group: string): void;
  /** A group that was missing exists now. */
  onFound?(group: string): void;
  onThrottled?(group: string): void;
}

interface GroupState {
  group: string;
  /** Timestamp of the newest event read by a completed window (or where following started). */
  cursor: number;
  /** A window still being paged through. */
  pending?: { startTime: number; nextToken?: string; newest: number };
  /** Keys of events already printed, with their timestamps (pruned below the next window's start). */
  seen: Map<string, number>;
  missing?: boolean;
  failures: number;
}

const eventKey = (e: TailEvent) => (e.id ? `${e.stream}\0${e.id}` : `${e.stream}\0${e.timestamp}\0${e.message}`);

/**
 * Follows log groups with FilterLogEvents: every `intervalMs`, one window per group from its
 * cursor (minus the overlap) onwards, paged with nextToken to the end before the cursor moves, so
 * no event is skipped at a page boundary and none is printed twice.
 */
export class Poller {
  private readonly states: GroupState[] = [];
  private readonly clock: Clock;
  private readonly overlapMs: number;
  private readonly maxPages: number;

  constructor(private readonly opts: PollerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.overlapMs = opts.overlapMs ?? 5_000;
    this.maxPages = opts.maxPagesPerTurn ?? 5;
  }

  /** Follows `group` from `startTime`; `seen` are events already printed (a backfill), never printed again. */
  add(group: string, startTime: number, seen: readonly TailEvent[] = []): void {
    if (this.states.some((s) => s.group === group)) return;
    const state: GroupState = { group, cursor: startTime, seen: new Map(), failures: 0 };
    for (const e of seen) if (e.group === group && e.timestamp >= startTime - this.overlapMs) state.seen.set(eventKey(e), e.timestamp);
    this.states.push(state);
  }

  get groups(): string[] {
    return this.states.map((s) => s.group);
  }

  /** Turns until the signal aborts. */
  async run(): Promise<void> {
    const { signal } = this.opts;
    while (!signal.aborted) {
      const started = this.clock.now();
      await this.turn();
      if (signal.aborted) break;
      await this.clock.sleep(started + this.opts.intervalMs - this.clock.now(), signal);
    }
  }

  /** One read of every group; the turn's new events are delivered together, in time order. */
  async turn(): Promise<void> {
    const batch: TailEvent[] = [];
    await Promise.all(this.states.map((state) => this.read(state, batch)));
    if (batch.length > 0 && !this.opts.signal.aborted) await this.opts.onEvents(batch.sort(byTime));
  }

  private async read(state: GroupState, batch: TailEvent[]): Promise<void> {
    const { source, signal, limiter } = this.opts;
    const window = state.pending ?? { startTime: state.cursor - this.overlapMs, newest: Number.NEGATIVE_INFINITY };
    state.pending = window;
    for (let page = 0; page < this.maxPages; page++) {
      if (signal.aborted) return;
      let result: Awaited<ReturnType<LogSource['filter']>>;
      try {
        const query = {
          group: state.group,
          startTime: window.startTime,
          filterPattern: this.opts.filterPattern,
          nextToken: window.nextToken,
        };
        result = await limiter.run(() => source.filter(query, signal), signal);
      } catch (error) {
        if (signal.aborted) return;
        if (isThrottling(error)) {
          limiter.onThrottle();
          this.opts.onThrottled?.(state.group);
          return; // the window continues next turn, from the same page
        }
        // A blip that outlived the SDK's own retries: try again next turn, a few times.
        if (!(error instanceof UserError) && ++state.failures <= 3) return;
        throw error;
      }
      state.failures = 0;
      if (result === undefined) {
        if (!state.missing) this.opts.onMissing?.(state.group);
        state.missing = true;
        state.pending = undefined;
        return;
      }
      if (state.missing) {
        state.missing = false;
        this.opts.onFound?.(state.group);
      }
      for (const event of result.events) {
        if (event.timestamp > window.newest) window.newest = event.timestamp;
        const key = eventKey(event);
        if (state.seen.has(key)) continue;
        state.seen.set(key, event.timestamp);
        batch.push(event);
      }
      if (!result.nextToken) return this.complete(state, window.newest);
      window.nextToken = result.nextToken;
    }
  }

  private complete(state: GroupState, newest: number): void {
    state.pending = undefined;
    // Event time, not our clock (which may be skewed), moves the cursor; a timestamp from the future does not.
    const next = Math.min(newest, this.clock.now() + 60_000);
    if (next > state.cursor) state.cursor = next;
    const floor = state.cursor - this.overlapMs;
    for (const [key, timestamp] of state.seen) if (timestamp < floor) state.seen.delete(key);
  }
}
