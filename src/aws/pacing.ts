import type { Clock } from '../clock.js';
import { type LimiterOptions, limitsOf, WriteLimiter } from './limiter.js';
import { pacesFor } from './quotas.js';

/**
 * The write limiters of one command, one per quota key of src/aws/quotas.ts, built on first use: a write
 * gets its operation's limiter (whose parent is the service total's, when AWS sets both) or the service's.
 * `options` (tests: a fast limiter) replace every quota's rate; `clock` is the limiters' (tests: a fake one).
 */
export function createPacing(options?: LimiterOptions, clock?: Clock): (label: string, operation?: string) => WriteLimiter {
  const limiters = new Map<string, WriteLimiter>();
  return (label, operation) => {
    // Built from the service total inwards, so each operation's limiter can name its parent.
    let limiter: WriteLimiter | undefined;
    for (const pace of pacesFor(label, operation).reverse()) {
      let l = limiters.get(pace.key);
      if (!l) {
        l = new WriteLimiter({
          ...(options ?? limitsOf(pace.quota)),
          ...(clock ? { clock } : {}),
          ...(limiter ? { parent: limiter } : {}),
        });
        limiters.set(pace.key, l);
      }
      limiter = l;
    }
    return limiter!;
  };
}
