import { describe, expect, it } from 'vitest';
import { type Clock, WriteLimiter } from '../../src/aws/limiter.js';

/** A clock that moves only when told; sleepers wake in time order. */
class FakeClock implements Clock {
  t = 0;
  private timers: { at: number; wake: () => void }[] = [];
  now = () => this.t;
  sleep = (ms: number) => new Promise<void>((wake) => this.timers.push({ at: this.t + ms, wake }));
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.wake();
    }
    this.t = end;
    await settle();
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Starts `n` calls; records when each one started; each finishes when `release(i)` is called (or at once). */
function startCalls(limiter: WriteLimiter, clock: FakeClock, n: number, opts: { hold?: boolean } = {}) {
  const started: number[] = [];
  const order: number[] = [];
  const releases: (() => void)[] = [];
  const results = Array.from({ length: n }, (_, i) =>
    limiter.run(async () => {
      started.push(clock.now());
      order.push(i);
      if (opts.hold) await new Promise<void>((resolve) => (releases[i] = resolve));
      return i;
    }),
  );
  return { started, order, releases, results };
}

describe('WriteLimiter', () => {
  it('lets a burst through at once, then one call per 1/rate, in FIFO order', async () => {
    const clock = new FakeClock();
    const limiter = new WriteLimiter({ rate: 10, burst: 5, maxConcurrency: 100, clock });
    const { started, order, results } = startCalls(limiter, clock, 15);
    await clock.advance(0);
    expect(started).toEqual([0, 0, 0, 0, 0]);
    await clock.advance(100);
    expect(started).toHaveLength(6);
    await clock.advance(900);
    expect(started).toHaveLength(15);
    expect(started.slice(5)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(order).toEqual([...Array(15).keys()]);
    expect(await Promise.all(results)).toEqual([...Array(15).keys()]);
  });

  it('never has more than maxConcurrency calls in flight', async () => {
    const clock = new FakeClock();
    const limiter = new WriteLimiter({ rate: 1000, burst: 1000, maxConcurrency: 3, clock });
    const { started, releases } = startCalls(limiter, clock, 5, { hold: true });
    await clock.advance(10);
    expect(started).toHaveLength(3);
    expect(limiter.stats()).toMatchObject({ active: 3, queued: 2 });
    releases[1]();
    await clock.advance(10);
    expect(started).toHaveLength(4);
    releases[0]();
    releases[2]();
    await clock.advance(10);
    expect(started).toHaveLength(5);
  });

  it('a failing call frees its slot and rejects only its own promise', async () => {
    const clock = new FakeClock();
    const limiter = new WriteLimiter({ rate: 100, burst: 10, maxConcurrency: 1, clock });
    const failing = limiter
      .run(async () => {
        throw new Error('boom');
      })
      .catch((e: Error) => e.message);
    const sync = limiter
      .run(() => {
        throw new Error('sync boom');
      })
      .catch((e: Error) => e.message);
    const ok = limiter.run(async () => 'ok');
    await clock.advance(100);
    expect(await failing).toBe('boom');
    expect(await sync).toBe('sync boom');
    expect(await ok).toBe('ok');
    expect(limiter.stats().active).toBe(0);
  });

  it('halves the rate on throttling (once per window), stops bursting, never below minRate', async () => {
    const clock = new FakeClock();
    const limiter = new WriteLimiter({ rate: 16, burst: 16, minRate: 1, cutWindowMs: 1_000, clock });
    limiter.onThrottle();
    limiter.onThrottle(); // same burst of failures: one cut
    expect(limiter.stats()).toMatchObject({ rate: 8, throttles: 2 });
    const { started } = startCalls(limiter, clock, 3);
    await clock.advance(0);
    expect(started).toEqual([]); // the bucket was emptied
    await clock.advance(125);
    expect(started).toEqual([125]);
    for (let i = 0; i < 10; i++) {
      await clock.advance(1_000);
      limiter.onThrottle();
    }
    expect(limiter.stats().rate).toBe(1);
  });

  it('grows the rate back linearly after the cooldown, up to the configured rate', async () => {
    const clock = new FakeClock();
    const limiter = new WriteLimiter({ rate: 10, burst: 10, cooldownMs: 5_000, recoveryPerSecond: 1, clock });
    limiter.onThrottle();
    expect(limiter.stats().rate).toBe(5);
    await clock.advance(4_000);
    expect(limiter.stats().rate).toBe(5); // still cooling down
    await clock.advance(3_000);
    expect(limiter.stats().rate).toBeCloseTo(7, 5);
    await clock.advance(2_000);
    expect(limiter.stats().rate).toBeCloseTo(9, 5);
    await clock.advance(60_000);
    expect(limiter.stats().rate).toBe(10);
  });

  it('after a cut the burst shrinks with the rate', async () => {
    const clock = new FakeClock();
    const limiter = new WriteLimiter({ rate: 10, burst: 10, cooldownMs: 60_000, clock });
    limiter.onThrottle(); // rate 5, burst capacity 5
    await clock.advance(30_000); // long quiet period: the bucket refills to its (smaller) capacity
    const { started } = startCalls(limiter, clock, 10);
    await clock.advance(0);
    expect(started).toHaveLength(5);
  });
});
