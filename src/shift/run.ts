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
  /** Aborted: the shift stops where it is (the next run finishes or rolls it back). */
  signal?: AbortSignal;
}

export interface ShiftOptions {
  steps: ShiftStep[];
  thresholds?: ShiftThresholds;
  /** Real milliseconds per minute of the schedule (60,000; tests scale it down through OPS_TEST_SHIFT_MS_PER_MINUTE). */
  msPerMinute: number;
  /** Looks per minute of the schedule (default 1, as Lambda's metrics have a one-minute period). */
  looksPerMinute?: number;
}

export type ShiftOutcome =
  | { outcome: 'completed'; looks: number }
  | { outcome: 'rolled-back'; breach: Breach; atPercent: number; looks: number }
  | { outcome: 'interrupted'; atPercent: number; looks: number };

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
  const start = clock.now();
  const lookMs = opts.msPerMinute / (opts.looksPerMinute ?? 1);
  let looks = 0;
  for (let i = 0; i < opts.steps.length - 1; i++) {
    const step = opts.steps[i];
    if (ports.signal?.aborted) return { outcome: 'interrupted', atPercent: i ? opts.steps[i - 1].percent : 0, looks };
    const nextAt = start + opts.steps[i + 1].atMinute * opts.msPerMinute;
    await ports.setPercent(step.percent, nextAt);
    ports.progress(`${step.percent}% on the new version, next step at +${opts.steps[i + 1].atMinute} min`);
    while (clock.now() < nextAt) {
      await clock.sleep(Math.min(lookMs, nextAt - clock.now()), ports.signal);
      if (ports.signal?.aborted) return { outcome: 'interrupted', atPercent: step.percent, looks };
      const signals = await ports.readSignals(start);
      looks++;
      ports.progress(signalLine(step.percent, signals));
      const breach = decide(signals, opts.thresholds);
      if (breach) {
        await ports.revert();
        return { outcome: 'rolled-back', breach, atPercent: step.percent, looks };
      }
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
