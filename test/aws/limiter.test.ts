import { describe, expect, it } from 'vitest';
import { WriteLimiter } from '../../src/aws/limiter.js';
import type { Clock } from '../../src/clock.js';

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

  /** Throttles until the recent share of throttled calls is above one half (about 7 in a row from a clean start). */
  const throttleUntilCut = (limiter: WriteLimiter) => {
    const before = limiter.stats().rate;
    for (let i = 0; i < 20 && limiter.stats().rate === before; i++) limiter.onThrottle();
    return limiter.stats();
  };

  it('a few throttles among successes do not cut the rate: only a dominating share does', async () => {
    const clock = new FakeClock();
    const limiter = new WriteLimiter({ rate: 16, burst: 16, minRate: 1, cutWindowMs: 1_000, clock });
    for (let i = 0; i < 6; i++) limiter.onThrottle();
    expect(limiter.stats()).toMatchObject({ rate: 16, throttles: 6 });
    limiter.onThrottle(); // the 7th in a row: throttles dominate the recent calls
    expect(limiter.stats().rate).toBe(8);
    expect(limiter.stats().throttledShare).toBeGreaterThan(0.5);
    limiter.onThrottle(); // same window (the calls of one burst fail together): one cut
    expect(limiter.stats().rate).toBe(8);
    const { started } = startCalls(limiter, clock, 3);
    await clock.advance(0);
    expect(started).toEqual([]); // the bucket was emptied
    await clock.advance(125);
    expect(started).toEqual([125]);
  });

  it('an overloaded control plane (every call throttled) halves the rate once per window, down to the floor', async () => {
    const clock = new FakeClock();
    const limiter = new WriteLimiter({ rate: 16, burst: 16, minRate: 1, cutWindowMs: 1_000, clock });
    const rates: number[] = [];
    for (let second = 0; second < 8; second++) {
      for (let i = 0; i < 10; i++) limiter.onThrottle();
      rates.push(limiter.stats().rate);
      await clock.advance(1_000);
    }
    expect(rates).toEqual([8, 4, 2, 1, 1, 1, 1, 1]);
    expect(new WriteLimiter({ rate: 15 }).stats().rate).toBe(15);
    const lambdaLike = new WriteLimiter({ rate: 15, clock });
    for (let i = 0; i < 100; i++) {
      await clock.advance(1_000);
      lambdaLike.onThrottle();
    }
    expect(lambdaLike.stats().rate).toBe(1.5); // the default floor: a tenth of the rate
  });

  it('grows back as calls go through, up to the configured rate, with no cooldown to wait out', () => {
    const clock = new FakeClock();
    const limiter = new WriteLimiter({ rate: 10, burst: 10, minRate: 1, clock });
    throttleUntilCut(limiter);
    expect(limiter.stats().rate).toBe(5);
    limiter.onSuccess();
    expect(limiter.stats().rate).toBeCloseTo(5.5, 5); // rate / 20 per call that went through
    for (let i = 0; i < 9; i++) limiter.onSuccess();
    expect(limiter.stats().rate).toBe(10);
    limiter.onSuccess();
    expect(limiter.stats().rate).toBe(10);
  });

  it('a steady random 30 % throttle keeps the rate near the configured one (was: down to 0.5/s for good)', async () => {
    const clock = new FakeClock();
    const limiter = new WriteLimiter({ rate: 15, burst: 15, maxConcurrency: 10, clock });
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const rates: number[] = [];
    let done = 0;
    const calls = Array.from({ length: 300 }, () =>
      limiter.run(async () => {
        await clock.sleep(100); // each call takes 100 ms
        if (random() < 0.3) limiter.onThrottle();
        else limiter.onSuccess();
        rates.push(limiter.stats().rate);
        done++;
      }),
    );
    await clock.advance(30_000);
    expect(done).toBe(300); // all within 30 s (at 0.5/s it would take ten minutes)
    await Promise.all(calls);
    const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
    expect(mean).toBeGreaterThan(12);
    expect(Math.min(...rates.slice(-50))).toBeGreaterThan(5);
    expect(clock.now()).toBeLessThanOrEqual(30_000);
  });

  it('after a cut the burst shrinks with the rate', async () => {
    const clock = new FakeClock();
    const limiter = new WriteLimiter({ rate: 10, burst: 10, clock });
    throttleUntilCut(limiter); // rate 5, burst capacity 5
    await clock.advance(30_000); // long quiet period: the bucket refills to its (smaller) capacity
    const { started } = startCalls(limiter, clock, 10);
    await clock.advance(0);
    expect(started).toHaveLength(5);
  });
});
