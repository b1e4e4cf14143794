/** Time source for the limiter and the retry helpers; tests pass a fake one. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

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

/**
 * Lambda's control plane allows about 15 calls/s per account and region (less for some APIs), shared
 * by every tool using the account: 10/s with a burst of 10 leaves room for reads and other callers.
 */
export const DEFAULT_LIMITS = { rate: 10, burst: 10, maxConcurrency: 8 } as const;

/**
 * Per control plane. Lambda documents 15 requests/s for its control plane; CloudWatch Logs 5/s for
 * CreateLogGroup and PutRetentionPolicy; IAM and API Gateway publish no figure, so they get the default.
 * Every limiter halves its rate on throttling and grows back, so a busy account still converges.
 */
export const SERVICE_LIMITS: Partial<Record<string, LimiterOptions>> = {
  lambda: { rate: 15, burst: 15, maxConcurrency: 10 },
  logs: { rate: 5, burst: 5, maxConcurrency: 5 },
};

/** Services whose write quotas AWS sets per operation, not per service: each operation gets its own limiter. */
export const PER_OPERATION_QUOTAS: ReadonlySet<string> = new Set(['logs']);

interface Waiter {
  start(): void;
}

/**
 * One shared limiter for AWS write calls: a token bucket (rate, burst) plus a cap on calls in flight,
 * adaptive like TCP (AIMD): each call that goes through adds a little to the rate, and the rate is
 * halved (at most once per window) while throttles dominate the recent calls. A steady random
 * throttle therefore costs only its retries, while an overloaded control plane still brings the rate
 * down to what it serves. Queued calls start in FIFO order.
 */
export class WriteLimiter {
  private readonly maxRate: number;
  private readonly burst: number;
  private readonly maxConcurrency: number;
  private readonly minRate: number;
  private readonly increasePerSuccess: number;
  private readonly cutWindowMs: number;
  private readonly cutAboveShare: number;
  private readonly clock: Clock;

  private rate: number;
  private tokens: number;
  private lastRefill: number;
  private lastCut = Number.NEGATIVE_INFINITY;
  private throttles = 0;
  private throttledShare = 0;
  private active = 0;
  private readonly queue: Waiter[] = [];
  private pumping = false;

  constructor(options: LimiterOptions = {}) {
    this.maxRate = options.rate ?? DEFAULT_LIMITS.rate;
    this.burst = Math.max(1, options.burst ?? DEFAULT_LIMITS.burst);
    this.maxConcurrency = Math.max(1, options.maxConcurrency ?? DEFAULT_LIMITS.maxConcurrency);
    this.minRate = Math.min(this.maxRate, options.minRate ?? Math.max(0.5, this.maxRate / 10));
    this.increasePerSuccess = options.increasePerSuccess ?? this.maxRate / 20;
    this.cutWindowMs = options.cutWindowMs ?? 1_000;
    this.cutAboveShare = options.cutAboveShare ?? 0.5;
    this.clock = options.clock ?? systemClock;
    this.rate = this.maxRate;
    this.tokens = this.burst;
    this.lastRefill = this.clock.now();
  }

  /** Runs `fn` when a token and a concurrency slot are free. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        start: () => {
          this.active++;
          let result: Promise<T>;
          try {
            result = fn();
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
    this.rate = Math.max(this.minRate, this.rate / 2);
    this.tokens = Math.min(this.tokens, 0);
  }

  /** A call went through (any answer but throttling): the rate grows back by a step. */
  onSuccess(): void {
    this.observe(0);
    this.refill(this.clock.now());
    this.rate = Math.min(this.maxRate, this.rate + this.increasePerSuccess);
  }

  stats(): LimiterStats {
    this.refill(this.clock.now());
    return {
      rate: this.rate,
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
    // A slowed-down bucket also holds a smaller burst, or the first burst after a cut throttles again.
    const capacity = Math.max(1, (this.burst * this.rate) / this.maxRate);
    this.tokens = Math.min(capacity, this.tokens + (this.rate * (now - this.lastRefill)) / 1000);
    this.lastRefill = now;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && this.active < this.maxConcurrency) {
        this.refill(this.clock.now());
        if (this.tokens >= 1) {
          this.tokens -= 1;
          this.queue.shift()!.start();
          continue;
        }
        await this.clock.sleep(Math.max(1, Math.ceil(((1 - this.tokens) / this.rate) * 1000)));
      }
    } finally {
      this.pumping = false;
    }
  }
}
