import type { Runtime } from './runtimes.js';

/**
 * AWS's deprecation date (UTC day) of each Lambda runtime ops supports: after it AWS stops patching the
 * runtime, and some weeks later blocks creating then updating functions on it. The one place these dates
 * live; a new runtime in RUNTIMES does not compile until it has its date here.
 * Source: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html ("Supported runtimes", the
 * "Deprecation date" column), as read in December 2026. AWS moves these dates at times: check there.
 */
export const RUNTIME_DEPRECATION: Record<Runtime, string> = {
  'nodejs24.x': '2028-04-30',
  'nodejs22.x': '2027-04-30',
  'nodejs20.x': '2026-04-30',
  'python3.14': '2030-06-30',
  'python3.13': '2029-06-30',
  'python3.12': '2028-10-31',
  'python3.11': '2026-06-30',
};

/** Whether `runtime` is past its deprecation date on `today` (YYYY-MM-DD). */
export function isDeprecated(runtime: Runtime, today: string): boolean {
  return RUNTIME_DEPRECATION[runtime] <= today;
}
