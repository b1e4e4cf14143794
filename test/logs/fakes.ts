import type { EventsPage, FilterQuery, LiveTailFrame, LogSource } from '../../src/aws/logs-read.js';
import type { Clock } from '../../src/clock.js';
import type { TailEvent } from '../../src/logs/types.js';

/**
 * Virtual time: sleeps fire in deadline order, one per macrotask turn (after every promise chain
 * the last one started has settled), moving the clock to their deadline. Loops run as fast as the
 * CPU allows while their waits add up exactly. With `auto: false` time moves only by `advance()`,
 * for tests where something outside (a pushed stream frame) must happen before the next wait ends.
 */
export class FakeClock implements Clock {
  private readonly timers: { at: number; fire: () => void }[] = [];
  private scheduled = false;
  time = Date.UTC(2026, 10, 23, 10, 0, 0);
  constructor(private readonly opts: { auto?: boolean } = {}) {}
  /** Manual mode: moves time forward, firing the sleeps that end meanwhile. */
  advance(ms: number): void {
    const until = this.time + ms;
    this.timers.sort((a, b) => a.at - b.at);
    while (this.timers.length > 0 && this.timers[0].at <= until) {
      const timer = this.timers.shift()!;
      this.time = Math.max(this.time, timer.at);
      timer.fire();
    }
    this.time = until;
  }
  now = () => this.time;
  sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => {
        const i = this.timers.indexOf(timer);
        if (i >= 0) this.timers.splice(i, 1);
        resolve();
      };
      const timer = {
        at: this.time + Math.max(0, ms),
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      this.schedule();
    });
  private schedule(): void {
    if (this.scheduled || this.opts.auto === false) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.timers.sort((a, b) => a.at - b.at);
      const timer = this.timers.shift();
      if (!timer) return;
      if (timer.at > this.time) this.time = timer.at;
      timer.fire();
      if (this.timers.length > 0) this.schedule();
    });
  }
}

/**
 * FilterLogEvents over in-memory groups the way CloudWatch pages them: events of one stream after
 * another (not in global time order), `pageSize` per page, the token an offset into that list as it
 * is when the next page is asked for (so events arriving meanwhile can move across a page boundary).
 */
export class FakeLogs implements LogSource {
  readonly groups = new Map<string, TailEvent[]>();
  readonly calls: FilterQuery[] = [];
  pageSize = 2;
  /** Fail this many coming calls with ThrottlingException. */
  throttle = 0;
  private nextId = 1;
  onFilter?: (query: FilterQuery) => void;
  live?: (groups: readonly string[], signal: AbortSignal) => AsyncIterable<LiveTailFrame>;
  liveCalls: (readonly string[])[] = [];

  put(group: string, events: { timestamp: number; message: string; stream?: string }[]): TailEvent[] {
    const list = this.groups.get(group) ?? [];
    this.groups.set(group, list);
    const added = events.map((e) => ({
      group,
      stream: e.stream ?? 's1',
      timestamp: e.timestamp,
      message: e.message,
      id: String(this.nextId++),
    }));
    list.push(...added);
    return added;
  }

  async filter(query: FilterQuery): Promise<EventsPage | undefined> {
    this.calls.push(query);
    this.onFilter?.(query);
    if (this.throttle > 0) {
      this.throttle--;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    const list = this.groups.get(query.group);
    if (!list) return undefined;
    const matching = list
      .filter(
        (e) =>
          (query.startTime === undefined || e.timestamp >= query.startTime) &&
          (query.endTime === undefined || e.timestamp <= query.endTime),
      )
      .filter((e) => !query.filterPattern || e.message.includes(query.filterPattern))
      .sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
    const offset = query.nextToken ? Number(query.nextToken) : 0;
    const events = matching.slice(offset, offset + this.pageSize);
    const end = offset + events.length;
    return { events, ...(end < matching.length ? { nextToken: String(end) } : {}) };
  }

  async existing(groups: readonly string[]): Promise<Set<string>> {
    return new Set(groups.filter((g) => this.groups.has(g)));
  }

  async liveTail(groups: readonly string[], _filter: string | undefined, signal: AbortSignal): Promise<AsyncIterable<LiveTailFrame>> {
    this.liveCalls.push(groups);
    if (!this.live) throw Object.assign(new Error('Unknown operation StartLiveTail'), { name: 'UnknownOperationException' });
    return this.live(groups, signal);
  }
}

/** A Live Tail stream driven by the test: push frames, end it, or fail it. */
export class FakeStream implements AsyncIterable<LiveTailFrame> {
  private readonly queue: LiveTailFrame[] = [];
  private wake?: () => void;
  private ended = false;
  private failure?: Error;
  closed = false;

  push(frame: LiveTailFrame): void {
    this.queue.push(frame);
    this.wake?.();
  }
  end(): void {
    this.ended = true;
    this.wake?.();
  }
  fail(error: Error): void {
    this.failure = error;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<LiveTailFrame> {
    try {
      for (;;) {
        const frame = this.queue.shift();
        if (frame) {
          yield frame;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.closed = true;
    }
  }
}

/** Resolves once `predicate` holds, checking after every macrotask (fails after `ms` real milliseconds). */
export async function eventually(predicate: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
