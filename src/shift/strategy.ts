/**
 * Traffic-shifting strategies (issue 17) and the schedule of weights they make. Pure: no clock, no AWS.
 * Names follow SAM's (`Canary10Percent5Minutes`, `Linear10PercentEvery1Minute`) so a SAM user knows them;
 * any percent and minutes in those shapes are accepted, as is the free form of the config.
 */

export type Strategy =
  | { type: 'all-at-once' }
  | { type: 'canary'; percent: number; minutes: number }
  | { type: 'linear'; percent: number; everyMinutes: number };

/** What the config and `--strategy` take: a name, or the free form. */
export type StrategyInput =
  | string
  | { canary: { percent: number; minutes: number } }
  | { linear: { percent: number; everyMinutes: number } };

/** SAM's predefined names (CodeDeploy's `LambdaCanary...`), listed in help and errors. */
export const SAM_STRATEGIES = [
  'AllAtOnce',
  'Canary10Percent5Minutes',
  'Canary10Percent10Minutes',
  'Canary10Percent15Minutes',
  'Canary10Percent30Minutes',
  'Linear10PercentEvery1Minute',
  'Linear10PercentEvery2Minutes',
  'Linear10PercentEvery3Minutes',
  'Linear10PercentEvery10Minutes',
] as const;

export const ALL_AT_ONCE: Strategy = { type: 'all-at-once' };

const CANARY = /^Canary(\d+)Percent(\d+)Minutes?$/;
const LINEAR = /^Linear(\d+)PercentEvery(\d+)Minutes?$/;

/** A strategy from its input, or a one-line problem (the caller makes it a config or usage error). */
export function parseStrategy(input: StrategyInput): Strategy | { problem: string } {
  if (typeof input !== 'string') {
    const s: Strategy =
      'canary' in input
        ? { type: 'canary', percent: input.canary.percent, minutes: input.canary.minutes }
        : { type: 'linear', percent: input.linear.percent, everyMinutes: input.linear.everyMinutes };
    return checked(s);
  }
  if (input === 'AllAtOnce') return ALL_AT_ONCE;
  const canary = CANARY.exec(input);
  if (canary) return checked({ type: 'canary', percent: Number(canary[1]), minutes: Number(canary[2]) });
  const linear = LINEAR.exec(input);
  if (linear) return checked({ type: 'linear', percent: Number(linear[1]), everyMinutes: Number(linear[2]) });
  return {
    problem: `unknown strategy '${input}': use ${SAM_STRATEGIES.join(', ')} (or CanaryNPercentMMinutes, LinearNPercentEveryMMinutes)`,
  };
}

function checked(s: Strategy): Strategy | { problem: string } {
  if (s.type === 'all-at-once') return s;
  // Lambda's weights are below 1: a first step of 100 % would be all at once under another name.
  if (!Number.isInteger(s.percent) || s.percent < 1 || s.percent > 99) return { problem: `a shift's percent is 1..99, not ${s.percent}` };
  const minutes = s.type === 'canary' ? s.minutes : s.everyMinutes;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) return { problem: `a shift's minutes are 1..1440, not ${minutes}` };
  return s;
}

/** One step of a shift: from `atMinute` (after the start), `percent` of the traffic goes to the new version. */
export interface ShiftStep {
  atMinute: number;
  percent: number;
}

/**
 * The weights over time. The last step is always 100 % (live moves to the new version, no routing);
 * all at once is that step alone. Canary: its percent, then 100 % after its minutes. Linear: its percent
 * more every interval until 100 % (CodeDeploy's linear: 10 % steps reach 100 % after nine intervals).
 */
export function scheduleOf(s: Strategy): ShiftStep[] {
  if (s.type === 'all-at-once') return [{ atMinute: 0, percent: 100 }];
  if (s.type === 'canary')
    return [
      { atMinute: 0, percent: s.percent },
      { atMinute: s.minutes, percent: 100 },
    ];
  const steps: ShiftStep[] = [];
  for (let k = 0; ; k++) {
    const percent = Math.min(100, (k + 1) * s.percent);
    steps.push({ atMinute: k * s.everyMinutes, percent });
    if (percent === 100) return steps;
  }
}

/** Minutes from the first weight to 100 %. */
export const totalMinutes = (s: Strategy): number => scheduleOf(s).at(-1)!.atMinute;

/** The name a user would write (SAM's shape). */
export function strategyName(s: Strategy): string {
  if (s.type === 'all-at-once') return 'AllAtOnce';
  if (s.type === 'canary') return `Canary${s.percent}Percent${s.minutes}Minute${s.minutes === 1 ? '' : 's'}`;
  return `Linear${s.percent}PercentEvery${s.everyMinutes}Minute${s.everyMinutes === 1 ? '' : 's'}`;
}

/** The plan's words for a shift: `10% → 100% after 5 min (5 min)`, or `10% → 20% → ... every 1 min → 100% (9 min)`. */
export function describeSchedule(s: Strategy): string {
  const steps = scheduleOf(s);
  if (s.type === 'all-at-once') return 'all at once';
  const total = `${totalMinutes(s)} min in all`;
  if (s.type === 'canary') return `${s.percent}% for ${s.minutes} min, then 100% (${total})`;
  const shown =
    steps.length <= 5 ? steps.map((x) => `${x.percent}%`).join(' → ') : `${steps[0].percent}% → ${steps[1].percent}% → … → 100%`;
  return `${shown}, a step every ${s.everyMinutes} min (${steps.length} steps, ${total})`;
}
