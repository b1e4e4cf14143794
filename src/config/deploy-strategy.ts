import * as z from 'zod';
import { UsageError } from '../errors.js';
import type { ShiftThresholds } from '../shift/decide.js';
import type { InterruptMode } from '../shift/recover.js';
import { parseStrategy, type Strategy, type StrategyInput } from '../shift/strategy.js';
import { alarmName } from './naming.js';

/**
 * `deploy` of a function (and of `defaults`): how `live` moves to a new version (issue 17). A function's
 * fields win over the defaults' one by one; `--strategy` wins over both for one run.
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

type DeployConfig = z.output<typeof functionDeploySchema>;

/** A function's resolved `deploy`: absent means all at once, nothing watched (today's behaviour). */
export interface ShiftSpec {
  strategy: Strategy;
  /** Full CloudWatch alarm names. */
  alarms: string[];
  thresholds: ShiftThresholds;
  onInterrupt: InterruptMode;
  /** Run the smoke samples against the new version after each weight is set. */
  smokeEachStep?: boolean;
  /** The stage is one of `deploy.protectedStages`: all at once is refused where live already has a version. */
  protectedStage?: boolean;
}

/**
 * The function's `deploy` over the defaults', or undefined when neither says anything and the stage is
 * not protected (so a fleet without them resolves exactly as before). `ownAlarm` maps one of the
 * function's alarm names to its full name.
 */
export function resolveShift(
  defaults: DeployConfig | undefined,
  own: DeployConfig | undefined,
  protectedStage: boolean,
  ownAlarm: (name: string) => string | undefined,
): ShiftSpec | undefined {
  if (!defaults && !own && !protectedStage) return undefined;
  const input = own?.strategy ?? defaults?.strategy ?? 'AllAtOnce';
  const smokeEachStep = own?.smokeEachStep ?? defaults?.smokeEachStep;
  const strategy = parseStrategy(input as StrategyInput) as Strategy; // the schema refused a problem
  return {
    strategy,
    alarms: (own?.alarms ?? defaults?.alarms ?? []).map((a) => ownAlarm(a) ?? a),
    thresholds: { ...defaults?.thresholds, ...own?.thresholds },
    onInterrupt: own?.onInterrupt ?? defaults?.onInterrupt ?? 'rollback',
    ...(smokeEachStep ? { smokeEachStep } : {}),
    ...(protectedStage ? { protectedStage } : {}),
  };
}

interface ShiftSources {
  app: string;
  defaults?: { deploy?: DeployConfig };
  deploy?: { protectedStages?: string[] };
}

/** `shift` of a FunctionSpec: the function's own `deploy` (not merged by withDefaults) over the defaults'. */
export function shiftOf(
  cfg: ShiftSources,
  stage: string,
  key: string,
  own: { deploy?: DeployConfig; alarms?: { metric: string; name?: string }[] },
): { shift?: ShiftSpec } {
  const counts = new Map<string, number>();
  // The suffixes resolveAlarms gives the function's alarms (`name`, or `{metric}-{n}`).
  const suffixes = new Set(
    (own.alarms ?? []).map((a) => {
      const n = (counts.get(a.metric) ?? 0) + 1;
      counts.set(a.metric, n);
      return a.name ?? `${a.metric}-${n}`;
    }),
  );
  const ownAlarm = (n: string) => (suffixes.has(n) ? alarmName(cfg.app, stage, key, n) : undefined);
  const shift = resolveShift(cfg.defaults?.deploy, own.deploy, cfg.deploy?.protectedStages?.includes(stage) ?? false, ownAlarm);
  return shift ? { shift } : {};
}

/**
 * `--strategy <name>` for one run: every function's strategy (its alarms, thresholds and onInterrupt
 * stay). Resolved before the plan, so the plan shows the shift the run will make.
 */
export function overrideStrategy(functions: { shift?: ShiftSpec }[], input: string): void {
  const strategy = parseStrategy(input);
  if ('problem' in strategy) throw new UsageError(`--strategy ${input}: ${strategy.problem}`);
  for (const fn of functions) fn.shift = { alarms: [], thresholds: {}, onInterrupt: 'rollback', ...fn.shift, strategy };
}
