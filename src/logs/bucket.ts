import { realClock, type TailClock } from './clock.js';

export interface BucketOptions {
  /** Calls per second when nothing is throttled. */
  rate: number;
  /** Calls that may go back to back after a quiet spell. */
  burst?: number;
  /** The rate never drops below this, however often AWS throttles. */
  minRate?: number;
  /** After a throttle the rate stays down this long, then grows back by `recoveryPerSecond` each second. */
  cooldownMs?: number;
  recoveryPerSecond?: number;
  clock?: TailClock;
}

/**
 * The read budget shared by every group of a tail: a token bucket whose waits end as soon as the
 * tail is stopped (Ctrl-C exits at once), halving its rate when AWS throttles and growing back
 * linearly (AIMD). Callers reserve a token and wait their turn, so waiting is first come, first served.
 */
export class TokenBucket {
  private readonly maxRate: number;
  private readonly burst: number;
  private readonly minRate: number;
  private readonly cooldownMs: number;
  private readonly recoveryPerSecond: number;
  private readonly clock: TailClock;
  private rate: number;
  private tokens: number;
  private last: number;
  private lastCut = Number.NEGATIVE_INFINITY;
  /** Calls let through so far. */
  taken = 0;
  throttles = 0;

  constructor(opts: BucketOptions) {
    this.maxRate = opts.rate;
    this.burst = Math.max(1, opts.burst ?? Math.ceil(opts.rate));
    this.minRate = Math.min(opts.rate, opts.minRate ?? 0.5);
    this.cooldownMs = opts.cooldownMs ?? 10_000;
    this.recoveryPerSecond = opts.recoveryPerSecond ?? 0.5;
    this.clock = opts.clock ?? realClock;
    this.rate = this.maxRate;
    this.tokens = this.burst;
    this.last = this.clock.now();
  }

  /** Waits for a token; false when the signal aborted first. */
  async take(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    this.refill();
    this.tokens -= 1;
    if (this.tokens < 0) await this.clock.sleep((-this.tokens / this.rate) * 1000, signal);
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
    this.rate = Math.max(this.minRate, this.rate / 2);
    this.tokens = Math.min(this.tokens, 0);
  }

  get currentRate(): number {
    return this.rate;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    const growFrom = Math.max(now - elapsed, this.lastCut + this.cooldownMs);
    if (now > growFrom) this.rate = Math.min(this.maxRate, this.rate + (this.recoveryPerSecond * (now - growFrom)) / 1000);
    this.tokens = Math.min(this.burst, this.tokens + (this.rate * elapsed) / 1000);
  }
}
