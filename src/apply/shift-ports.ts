import { readShiftSignals, setAliasWeight, settleAlias } from '../aws/lambda-shift.js';
import type { Context } from '../cli/context.js';
import type { Clock } from '../clock.js';
import type { FunctionSpec } from '../config/types.js';
import { markShifting } from '../resources/function/read-selected.js';
import type { Breach } from '../shift/decide.js';
import { formatNote } from '../shift/note.js';
import type { ShiftPorts } from '../shift/run.js';
import type { PlanContext } from './deploy.js';
import { smokeVersion } from './smoke-gate.js';

/** One function's shift as the gate runs it: the versions, the schedule's name, and how it is run. */
export interface ShiftTarget {
  fn: FunctionSpec & { shift: NonNullable<FunctionSpec['shift']> };
  strategy: string;
  from: string;
  to: string;
  /** `--no-wait`: the note says nobody watches, so that the next run carries the shift on. */
  unwatched: boolean;
}

/** The loop's ports against AWS: weighted UpdateAlias calls with ops's note, the signals, the smoke samples. */
export function shiftPorts(
  ctx: Context,
  pc: PlanContext,
  t: ShiftTarget,
  io: { clock: Clock; signal?: AbortSignal; say: (m: string) => void },
): ShiftPorts {
  const { clock } = io;
  const { name } = t.fn;
  // Listed as shifting before live is first split: a selection's read (`ops deploy other-fn`) then finds the split.
  let marked: Promise<void> | undefined;
  const settle = (version: string) => settleAlias(pc.aws, name, version).then(() => markShifting(pc.aws, pc.fleet, name, false));
  return {
    clock,
    setPercent: async (percent, next) => {
      await (marked ??= markShifting(pc.aws, pc.fleet, name, true));
      await setAliasWeight(pc.aws, name, {
        oldVersion: t.from,
        newVersion: t.to,
        percent,
        note: formatNote({ strategy: t.strategy, from: t.from, to: t.to, percent, since: clock.now(), next, unwatched: t.unwatched }),
      });
    },
    complete: () => settle(t.to),
    revert: () => settle(t.from),
    readSignals: (since) =>
      readShiftSignals(pc.aws, {
        name,
        newVersion: t.to,
        oldVersion: t.from,
        alarms: t.fn.shift.alarms,
        p99: t.fn.shift.thresholds.p99DurationRatio !== undefined,
        // Lambda's metrics come in whole minutes: from the minute the shift began, to a minute past now.
        start: Math.floor(since / 60_000) * 60_000,
        end: clock.now() + 60_000,
      }),
    progress: io.say,
    ...(t.fn.shift.smokeEachStep ? { smoke: () => smokeBreach(ctx, pc, t.fn, t.to) } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
  };
}

/** The function's smoke samples against the new version: a failure is a breach. */
async function smokeBreach(ctx: Context, pc: PlanContext, fn: FunctionSpec, version: string): Promise<Breach | undefined> {
  const report = await smokeVersion(ctx, pc, fn, version);
  if (report.passed) return undefined;
  const failed = report.results.filter((r) => !r.ok).map((r) => r.sample);
  return {
    signal: 'Smoke',
    detail: `${failed.length} of ${report.results.length} smoke samples failed on version ${version} (${failed.join(', ')})`,
  };
}
