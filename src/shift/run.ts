import type { Clock } from '../clock.js';
import { type Breach, decide, type ShiftSignals, type ShiftThresholds } from './decide.js';
import type { ShiftStep } from './strategy.js';

/**
 * One function's shift, step by step, on an injected clock: set the weight, watch until the next step,
 * and on a breach move everything back. The I/O is passed in (ports), so the same loop runs against AWS
 * (src/apply/shift-gate.ts) and in unit tests on a virtual clock.
 */

export interface ShiftPorts {
  clock: Clock;
  /** Sends `percent` (1..99) of `live`'s traffic to the new version until `nextAt` (epoch ms); FunctionVersion stays the old one. */
  setPercent(percent: number, nextAt: number): Promise<void>;
  /** FunctionVersion = new, no routing. */
  complete(): Promise<void>;
  /** FunctionVersion = old, no routing. */
  revert(): Promise<void>;
  /** The signals since the shift began (epoch ms). */
  readSignals(sinceMs: number): Promise<ShiftSignals>;
  /** Progress for stderr. */
  progress(line: string): void;
  /** The smoke samples against the new version, after each weight is set (`deploy.smokeEachStep`). */
  smoke?(): Promise<Breach | undefined>;
  /** Aborted (Ctrl-C): the shift stops waiting at once and everything moves back to the old version. */
  signal?: AbortSignal;
}

export interface ShiftOptions {
  steps: ShiftStep[];
  thresholds?: ShiftThresholds;
  /** Real milliseconds per minute of the schedule (60,000; tests scale it down through OPS_TEST_SHIFT_MS_PER_MINUTE). */
  msPerMinute: number;
  /** Looks per minute of the schedule (default 1, as Lambda's metrics have a one-minute period). */
  looksPerMinute?: number;
  /**
   * Carries on a shift that began at `startedAt` (epoch ms; `--no-wait`) and is at `percent` now: one look
   * over the whole time so far first, then the weight of the step due now, then the rest of the schedule.
   */
  resume?: { startedAt: number; percent: number };
  /** Sets the weight due now and returns (`--no-wait`): nothing watches the shift until the next run. */
  noWait?: boolean;
}

export type ShiftOutcome =
  | { outcome: 'completed'; looks: number }
  | { outcome: 'rolled-back'; breach: Breach; atPercent: number; looks: number }
  | { outcome: 'interrupted'; atPercent: number; looks: number }
  | { outcome: 'started'; atPercent: number; nextAt: number; looks: number };

/**
 * Runs the shift. A look that fails (CloudWatch refused, the network went) is no signal to go on with:
 * everything moves back to the old version and the error goes up, so `live` is never left split by it.
 */
export async function runShift(ports: ShiftPorts, opts: ShiftOptions): Promise<ShiftOutcome> {
  try {
    return await steps(ports, opts);
  } catch (error) {
    await ports.revert().catch(() => {}); // the first error is the one to report
    throw error;
  }
}

async function steps(ports: ShiftPorts, opts: ShiftOptions): Promise<ShiftOutcome> {
  const { clock } = ports;
  const start = opts.resume?.startedAt ?? clock.now();
  const lookMs = opts.msPerMinute / (opts.looksPerMinute ?? 1);
  const at = (i: number) => start + opts.steps[i].atMinute * opts.msPerMinute;
  let looks = 0;
  const stopped = async (atPercent: number): Promise<ShiftOutcome | undefined> => {
    if (!ports.signal?.aborted) return undefined;
    // Ctrl-C: waiting ends now, and a split nobody watches any more is not left behind.
    await ports.revert();
    return { outcome: 'interrupted', atPercent, looks };
  };
  const breached = async (percent: number, breach: Breach | undefined): Promise<ShiftOutcome | undefined> => {
    if (!breach) return undefined;
    await ports.revert();
    return { outcome: 'rolled-back', breach, atPercent: percent, looks };
  };
  const look = async (percent: number) => {
    const signals = await ports.readSignals(start);
    looks++;
    ports.progress(signalLine(percent, signals));
    return breached(percent, decide(signals, opts.thresholds));
  };
  // The step due now: the first one for a new shift, a later one for a shift carried on.
  let i = 0;
  while (i < opts.steps.length - 1 && at(i + 1) <= clock.now()) i++;
  if (opts.resume) {
    const ended = await look(opts.resume.percent);
    if (ended) return ended;
  }
  for (; i < opts.steps.length - 1; i++) {
    const step = opts.steps[i];
    const interrupted = await stopped(i ? opts.steps[i - 1].percent : 0);
    if (interrupted) return interrupted;
    const nextAt = at(i + 1);
    await ports.setPercent(step.percent, nextAt);
    ports.progress(`${step.percent}% on the new version, next step at +${opts.steps[i + 1].atMinute} min`);
    const smoked = await breached(step.percent, await ports.smoke?.());
    if (smoked) return smoked;
    if (opts.noWait) return { outcome: 'started', atPercent: step.percent, nextAt, looks };
    while (clock.now() < nextAt) {
      await clock.sleep(Math.min(lookMs, nextAt - clock.now()), ports.signal);
      const ended = (await stopped(step.percent)) ?? (await look(step.percent));
      if (ended) return ended;
    }
  }
  await ports.complete();
  return { outcome: 'completed', looks };
}

function signalLine(percent: number, s: ShiftSignals): string {
  const alarms = s.alarmsInAlarm.length ? `, in ALARM: ${s.alarmsInAlarm.join(', ')}` : '';
  const p99 = s.p99New !== undefined ? `, p99 ${Math.round(s.p99New)} ms (old ${s.p99Old === undefined ? '?' : Math.round(s.p99Old)})` : '';
  return `${percent}%: ${s.invocations} invocations, ${s.errors} errors, ${s.throttles} throttles${p99}${alarms}`;
}
