import { type Clock, systemClock } from '../clock.js';

/**
 * The pacing of AWS calls, in one module: WriteLimiter for control-plane writes (per service, see
 * clients.ts) and ReadLimiter for the log tail's reads, both made of one Bucket.
 */

export interface LimiterOptions {
  /** Sustained calls per second when nothing is throttled. */
  rate?: number;
  /** Calls that may start back to back after a quiet period. */
  burst?: number;
  /** Calls in flight at once. */
  maxConcurrency?: number;
  /** The rate never drops below this, however often we are throttled (default a tenth of `rate`, at least 0.5/s). */
  minRate?: number;
  /** Additive recovery: calls/s gained per call that was not throttled (default `rate` / 20). */
  increasePerSuccess?: number;
  /** At most one cut per window: the calls of one burst fail together. */
  cutWindowMs?: number;
  /**
   * Cut only while throttles dominate: the recent share of throttled calls (a moving average over
   * about the last 10 calls) is above this. A random 30 % throttle never cuts; a control plane we
   * overload answers most calls with throttling, and is cut until it stops.
   */
  cutAboveShare?: number;
  /**
   * A limiter every call also passes after this one's (API Gateway's account total behind CreateDeployment's
   * own quota). Throttles are this limiter's to learn from (the most specific quota); successes are both's.
   */
  parent?: WriteLimiter;
  clock?: Clock;
}

export interface LimiterStats {
  rate: number;
  active: number;
  queued: number;
  throttles: number;
  /** Moving average of the share of calls throttled (0..1). */
  throttledShare: number;
}

/** A limiter built without options (a shared one, tests): 10/s, a burst of 10, 8 calls in flight. */
export const DEFAULT_LIMITS = { rate: 10, burst: 10, maxConcurrency: 8 } as const;

/**
 * A write limiter's options from AWS's quota for it (src/aws/quotas.ts): its rate and burst, and as many
 * calls in flight as a second of its rate (at least one, at most 16), so a call that takes up to a second
 * never leaves the rate unused.
 */
export function limitsOf(quota: { rate: number; burst?: number }): LimiterOptions {
  return {
    rate: quota.rate,
    burst: Math.max(1, quota.burst ?? Math.floor(quota.rate)),
    maxConcurrency: Math.min(16, Math.max(1, Math.ceil(quota.rate))),
  };
}

interface Waiter {
  start(): void;
}

/**
 * The token bucket both limiters are made of: tokens earned at `rate` per second up to a capacity
 * the limiter chooses; a cut halves the rate (never below `minRate`) and spends the saved-up tokens,
 * so nothing bursts right after a throttle. How the rate grows back is each limiter's own.
 */
class Bucket {
  rate: number;
  tokens: number;
  private last: number;

  constructor(
    readonly maxRate: number,
    readonly burst: number,
    readonly minRate: number,
    now: number,
  ) {
    this.rate = maxRate;
    this.tokens = burst;
    this.last = now;
  }

  /** Milliseconds since the last refill; a clock stepping back counts as none. */
  elapsed(now: number): number {
    return Math.max(0, now - this.last);
  }

  refill(now: number, capacity: number): void {
    this.tokens = Math.min(capacity, this.tokens + (this.rate * this.elapsed(now)) / 1000);
    this.last = now;
  }

  cut(): void {
    this.rate = Math.max(this.minRate, this.rate / 2);
    this.tokens = Math.min(this.tokens, 0);
  }
}

/**
 * One shared limiter for AWS write calls: a token bucket (rate, burst) plus a cap on calls in flight,
 * adaptive like TCP (AIMD): each call that goes through adds a little to the rate, and the rate is
 * halved (at most once per window) while throttles dominate the recent calls. A steady random
 * throttle therefore costs only its retries, while an overloaded control plane still brings the rate
 * down to what it serves. Queued calls start in FIFO order.
 */
export class WriteLimiter {
  private readonly bucket: Bucket;
  private readonly maxConcurrency: number;
  private readonly increasePerSuccess: number;
  private readonly cutWindowMs: number;
  private readonly cutAboveShare: number;
  private readonly clock: Clock;
  private readonly parent?: WriteLimiter;

  private lastCut = Number.NEGATIVE_INFINITY;
  private throttles = 0;
  private throttledShare = 0;
  private active = 0;
  private readonly queue: Waiter[] = [];
  private pumping = false;

  constructor(options: LimiterOptions = {}) {
    const maxRate = options.rate ?? DEFAULT_LIMITS.rate;
    const minRate = Math.min(maxRate, options.minRate ?? Math.max(0.5, maxRate / 10));
    this.clock = options.clock ?? systemClock;
    this.bucket = new Bucket(maxRate, Math.max(1, options.burst ?? DEFAULT_LIMITS.burst), minRate, this.clock.now());
    this.maxConcurrency = Math.max(1, options.maxConcurrency ?? DEFAULT_LIMITS.maxConcurrency);
    this.increasePerSuccess = options.increasePerSuccess ?? maxRate / 20;
    this.cutWindowMs = options.cutWindowMs ?? 1_000;
    this.cutAboveShare = options.cutAboveShare ?? 0.5;
    this.parent = options.parent;
  }

  /** Runs `fn` when a token and a concurrency slot are free. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        start: () => {
          this.active++;
          let result: Promise<T>;
          try {
            result = this.parent ? this.parent.run(fn) : fn();
          } catch (error) {
            result = Promise.reject(error);
          }
          result.then(resolve, reject).finally(() => {
            this.active--;
            void this.pump();
          });
        },
      });
      void this.pump();
    });
  }

  /**
   * A call was throttled. While throttles dominate the recent calls, halve the rate (once per
   * window: concurrent calls fail together) and stop bursting.
   */
  onThrottle(): void {
    const now = this.clock.now();
    this.throttles++;
    this.observe(1);
    this.refill(now);
    if (this.throttledShare <= this.cutAboveShare || now - this.lastCut < this.cutWindowMs) return;
    this.lastCut = now;
    this.bucket.cut();
  }

  /** A call went through (any answer but throttling): the rate grows back by a step. */
  onSuccess(): void {
    this.parent?.onSuccess();
    this.observe(0);
    this.refill(this.clock.now());
    this.bucket.rate = Math.min(this.bucket.maxRate, this.bucket.rate + this.increasePerSuccess);
  }

  stats(): LimiterStats {
    this.refill(this.clock.now());
    return {
      rate: this.bucket.rate,
      active: this.active,
      queued: this.queue.length,
      throttles: this.throttles,
      throttledShare: this.throttledShare,
    };
  }

  /** Exponential moving average of "was throttled", weighing about the last 10 calls. */
  private observe(throttled: 0 | 1): void {
    this.throttledShare += (throttled - this.throttledShare) * 0.1;
  }

  private refill(now: number): void {
    const b = this.bucket;
    // A slowed-down bucket also holds a smaller burst, or the first burst after a cut throttles again.
    b.refill(now, Math.max(1, (b.burst * b.rate) / b.maxRate));
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && this.active < this.maxConcurrency) {
        this.refill(this.clock.now());
        if (this.bucket.tokens >= 1) {
          this.bucket.tokens -= 1;
          this.queue.shift()!.start();
          continue;
        }
        await this.clock.sleep(Math.max(1, Math.ceil(((1 - this.bucket.tokens) / this.bucket.rate) * 1000)));
      }
    } finally {
      this.pumping = false;
    }
  }
}

export interface ReadLimiterOptions {
  /** Calls per second when nothing is throttled. */
  rate: number;
  /** Calls that may go back to back after a quiet spell (default: the rate, rounded up). */
  burst?: number;
  /** The rate never drops below this, however often AWS throttles (default 0.5/s). */
  minRate?: number;
  /** After a throttle the rate stays down this long, then grows back by `recoveryPerSecond` each second. */
  cooldownMs?: number;
  recoveryPerSecond?: number;
  clock?: Clock;
}

/**
 * The read budget shared by every group of a log tail: waits end as soon as the tail is stopped
 * (Ctrl-C exits at once), every throttle halves the rate, and it grows back linearly in time after
 * a cooldown. Callers reserve a token and wait their turn, so waiting is first come, first served.
 */
export class ReadLimiter {
  private readonly bucket: Bucket;
  private readonly cooldownMs: number;
  private readonly recoveryPerSecond: number;
  private readonly clock: Clock;
  private lastCut = Number.NEGATIVE_INFINITY;
  /** Calls let through so far. */
  taken = 0;
  throttles = 0;

  constructor(opts: ReadLimiterOptions) {
    this.clock = opts.clock ?? systemClock;
    const burst = Math.max(1, opts.burst ?? Math.ceil(opts.rate));
    this.bucket = new Bucket(opts.rate, burst, Math.min(opts.rate, opts.minRate ?? 0.5), this.clock.now());
    this.cooldownMs = opts.cooldownMs ?? 10_000;
    this.recoveryPerSecond = opts.recoveryPerSecond ?? 0.5;
  }

  /** Waits for a token; false when the signal aborted first. */
  async take(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    this.refill();
    this.bucket.tokens -= 1;
    if (this.bucket.tokens < 0) await this.clock.sleep((-this.bucket.tokens / this.bucket.rate) * 1000, signal);
    if (signal?.aborted) return false;
    this.taken++;
    return true;
  }

  /** Runs `fn` when its token is due; rejects with an AbortError when the signal aborts while waiting. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (!(await this.take(signal))) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    return fn();
  }

  /** AWS throttled a call: halve the rate and stop bursting. */
  onThrottle(): void {
    this.refill();
    this.throttles++;
    this.lastCut = this.clock.now();
    this.bucket.cut();
  }

  get currentRate(): number {
    return this.bucket.rate;
  }

  private refill(): void {
    const b = this.bucket;
    const now = this.clock.now();
    // The rate grows only for the part of the elapsed time that lies after the cooldown.
    const growFrom = Math.max(now - b.elapsed(now), this.lastCut + this.cooldownMs);
    if (now > growFrom) b.rate = Math.min(b.maxRate, b.rate + (this.recoveryPerSecond * (now - growFrom)) / 1000);
    b.refill(now, b.burst);
  }
}
