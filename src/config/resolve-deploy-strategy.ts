import type * as z from 'zod';
import { UsageError } from '../errors.js';
import type { ShiftThresholds } from '../shift/decide.js';
import type { InterruptMode } from '../shift/recover.js';
import { parseStrategy, type Strategy, type StrategyInput } from '../shift/strategy.js';
import type { functionDeploySchema } from './deploy-strategy.js';
import { alarmName } from './naming.js';

/* A function's `deploy` resolved into its shift, and `--strategy` over it (the schema: src/config/deploy-strategy.ts). Zod-free at run time. */

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
