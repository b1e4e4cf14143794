import * as z from 'zod';
import { parseStrategy, type StrategyInput } from '../shift/strategy.js';

/**
 * `deploy` of a function (and of `defaults`): how `live` moves to a new version (issue 17). A function's
 * fields win over the defaults' one by one; `--strategy` wins over both for one run. The schema; what it resolves
 * to: src/config/resolve-deploy-strategy.ts.
 */

// Ranges are parseStrategy's (one message for a figure, the same as --strategy's).
const percent = z.number();
const minutes = z.number();

export const strategySchema = z
  .union([
    z.string(),
    z.strictObject({ canary: z.strictObject({ percent, minutes }) }),
    z.strictObject({ linear: z.strictObject({ percent, everyMinutes: minutes }) }),
  ])
  .superRefine((s, ctx) => {
    const parsed = parseStrategy(s as StrategyInput);
    if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
  });

export const functionDeploySchema = z.strictObject({
  /** AllAtOnce (the default), a SAM name (Canary10Percent5Minutes, Linear10PercentEvery1Minute) or `{ canary }` / `{ linear }`. */
  strategy: strategySchema.optional(),
  /** CloudWatch alarms watched during a shift: a name of one of the function's `alarms`, or any alarm's full name. */
  alarms: z.array(z.string().min(1)).optional(),
  /** What counts as a breach besides alarms (default: any error or throttle of the new version). */
  thresholds: z
    .strictObject({
      errors: z.number().int().min(0).optional(),
      throttles: z.number().int().min(0).optional(),
      errorRatePercent: z.number().min(0).max(100).optional(),
      p99DurationRatio: z.number().min(1).optional(),
    })
    .optional(),
  /** A shift interrupted mid-way (Ctrl-C, kill): the next run moves live back first ('rollback', the default) or finishes it. */
  onInterrupt: z.enum(['finish', 'rollback']).optional(),
  /** The smoke samples (those with expectations) against the new version at each step; a failure is a breach. */
  smokeEachStep: z.boolean().optional(),
});

/** `deploy.protectedStages` of the fleet: stages where a function with a `live` version must shift gradually. */
export const protectedStagesSchema = z.array(z.string().min(1)).optional();
