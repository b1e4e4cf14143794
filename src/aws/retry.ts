import { UserError } from '../errors.js';
import type { Aws } from './clients.js';
import { isConflict, isRolePropagation, isThrottling, retryAfterMs } from './errors.js';
import type { WriteLimiter } from './limiter.js';

/** Every wait of the AWS layer, injectable so tests run in milliseconds. */
export interface RetryPolicy {
  sleep(ms: number): Promise<void>;
  now(): number;
  /** Spreads concurrent retries apart; identity in tests. */
  jitter(ms: number): number;
  /** Waits between attempts after ResourceConflictException (~30 s in all). */
  conflictDelaysMs: readonly number[];
  /** Waits between attempts while a new IAM role propagates (~60 s in all, as AWS needs up to ~10-20 s). */
  propagationDelaysMs: readonly number[];
  /** Waits between attempts when the SDK's own retries for throttling are used up. */
  throttleDelaysMs: readonly number[];
  /** Poll intervals of waitForFunctionReady; the last repeats. */
  readyPollMs: readonly number[];
  /** Give up waiting for a function to become ready after this long (VPC functions take minutes). */
  readyTimeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  jitter: (ms) => Math.round(ms * (0.8 + Math.random() * 0.4)),
  conflictDelaysMs: [500, 1_000, 2_000, 3_000, 5_000, 5_000, 5_000, 5_000],
  propagationDelaysMs: [1_000, 2_000, 3_000, 5_000, 8_000, 10_000, 10_000, 10_000, 10_000],
  throttleDelaysMs: [1_000, 2_000, 4_000, 8_000, 15_000],
  readyPollMs: [250, 500, 1_000, 2_000, 3_000],
  readyTimeoutMs: 10 * 60_000,
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...defaultRetryPolicy, ...overrides };
}

export interface RetryOptions {
  /** Which failures are worth another attempt. */
  retryable(error: unknown): boolean;
  delaysMs: readonly number[];
  policy?: RetryPolicy;
  /** Called before each wait with the failure and the number of the attempt about to start (2, 3, ...). */
  onRetry?(error: unknown, nextAttempt: number, delayMs: number): void;
  /** A minimum wait for this failure (e.g. Retry-After). */
  minDelayMs?(error: unknown): number | undefined;
}

/** Calls `fn`, retrying the failures `retryable` accepts after each delay in turn; then the last failure is thrown. */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const policy = opts.policy ?? defaultRetryPolicy;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const delay = opts.delaysMs[attempt - 1];
      if (delay === undefined || !opts.retryable(error)) throw error;
      const wait = Math.max(policy.jitter(delay), opts.minDelayMs?.(error) ?? 0);
      opts.onRetry?.(error, attempt + 1, wait);
      await policy.sleep(wait);
    }
  }
}

/**
 * Retries Lambda's ResourceConflictException (an update or creation still in progress), bounded.
 * Prefer waitForFunctionReady before the call; this covers the race that remains.
 */
export function withConflictRetry<T>(
  fn: () => Promise<T>,
  onWait?: (reason: string) => void,
  policy: RetryPolicy = defaultRetryPolicy,
): Promise<T> {
  return withRetry(fn, {
    retryable: isConflict,
    delaysMs: policy.conflictDelaysMs,
    policy,
    onRetry: (_error, attempt) => onWait?.(`waiting for an update in progress to finish (attempt ${attempt})`),
  });
}

/**
 * Retries "The role defined for the function cannot be assumed by Lambda" while a new role
 * propagates through IAM (up to about a minute), telling the caller why it waits.
 */
export function withRolePropagationRetry<T>(
  fn: () => Promise<T>,
  onWait?: (reason: string) => void,
  policy: RetryPolicy = defaultRetryPolicy,
): Promise<T> {
  return withRetry(fn, {
    retryable: isRolePropagation,
    delaysMs: policy.propagationDelaysMs,
    policy,
    onRetry: (_error, attempt) => onWait?.(`waiting for the new IAM role to propagate (attempt ${attempt})`),
  });
}

/**
 * Retries throttling once the SDK's own attempts are used up, honouring Retry-After. The limiter
 * already heard of every throttled attempt from the client middleware (middleware.ts), so it is not
 * told again here: counting a throttle twice would cut the rate for a throttle that does not dominate.
 */
export function withThrottleRetry<T>(
  fn: () => Promise<T>,
  opts: { limiter?: WriteLimiter; policy?: RetryPolicy; onWait?: (reason: string) => void } = {},
): Promise<T> {
  const policy = opts.policy ?? defaultRetryPolicy;
  return withRetry(fn, {
    retryable: isThrottling,
    delaysMs: policy.throttleDelaysMs,
    policy,
    minDelayMs: retryAfterMs,
    onRetry: (_error, attempt) => opts.onWait?.(`throttled by AWS, slowing down (attempt ${attempt})`),
  });
}

/** One read call, throttling retried with backoff; reads skip the write limiters (the counterpart of `aws.write`). */
export const read = <T>(aws: Aws, fn: () => Promise<T>): Promise<T> => withThrottleRetry(fn, { limiter: aws.limiter, policy: aws.retry });

/** What waitForFunctionReady saw last. */
export interface FunctionReadiness {
  state?: string;
  lastUpdateStatus?: string;
  codeSha256?: string;
  revisionId?: string;
}

export interface WaitReadyOptions {
  /** Fail when the last update failed (after our own update); off before an update. Default true. */
  checkUpdate?: boolean;
  onWait?: (reason: string) => void;
}

/**
 * Polls GetFunctionConfiguration until the function is Active (or Inactive, which an update wakes)
 * and no update is in progress. Fails with Lambda's reason when the function or the update failed,
 * and gives up after `readyTimeoutMs`.
 */
export async function waitForFunctionReady(aws: Aws, name: string, opts: WaitReadyOptions = {}): Promise<FunctionReadiness> {
  const policy = aws.retry;
  const lambda = await aws.lambda();
  const deadline = policy.now() + policy.readyTimeoutMs;
  for (let poll = 0; ; poll++) {
    const c = await read(aws, () => lambda.getFunctionConfiguration({ FunctionName: name }));
    const seen: FunctionReadiness = {
      state: c.State,
      lastUpdateStatus: c.LastUpdateStatus,
      codeSha256: c.CodeSha256,
      revisionId: c.RevisionId,
    };
    if (c.State === 'Failed') {
      throw new UserError(`lambda function ${name} failed: ${c.StateReason ?? c.StateReasonCode ?? 'no reason given'}`, {
        hint: 'fix the cause (role, VPC, layers) and deploy again',
      });
    }
    if ((opts.checkUpdate ?? true) && c.LastUpdateStatus === 'Failed') {
      throw new UserError(
        `the update of lambda function ${name} failed: ${c.LastUpdateStatusReason ?? c.LastUpdateStatusReasonCode ?? 'no reason given'}`,
        {
          hint: 'fix the cause and deploy again',
        },
      );
    }
    const busy = c.State === 'Pending' || c.LastUpdateStatus === 'InProgress';
    if (!busy) return seen;
    if (policy.now() >= deadline) {
      throw new UserError(
        `lambda function ${name} is still ${c.State === 'Pending' ? 'Pending' : 'updating'} after ${Math.round(policy.readyTimeoutMs / 1000)} s`,
        {
          hint: 'check it in the Lambda console, then deploy again',
        },
      );
    }
    opts.onWait?.(`waiting for ${name} to become ready (${c.State === 'Pending' ? 'Pending' : 'update in progress'})`);
    await policy.sleep(policy.readyPollMs[Math.min(poll, policy.readyPollMs.length - 1)]);
  }
}
