import { parseStrategy, type ShiftStep, type Strategy, scheduleOf } from './strategy.js';

/**
 * ops's note on a split `live` (the alias's Description, after `ops shift: `): where a shift is, so that
 * `ops status` can show it and a later run can carry on a shift started with `--no-wait`. It is the only
 * state a shift keeps. Pure.
 */

export interface ShiftNote {
  /** The strategy's name (SAM's shape): the schedule the shift follows, whatever the config says later. */
  strategy: string;
  from: string;
  to: string;
  /** The weight of `to` now, in percent. */
  percent: number;
  /** When this weight was set, and when the next step is due (epoch ms). */
  since: number;
  next: number;
  /** Started by `ops deploy --no-wait`: nobody watches it; the next `ops deploy` carries it on. */
  unwatched?: boolean;
}

/** The words that mark a shift nobody watches (a person reads them in `ops status`). */
const UNWATCHED = 'not watched: ops deploy carries it on';

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

export function formatNote(n: ShiftNote): string {
  const base = `${n.strategy} from ${n.from} to ${n.to}, ${n.percent}% since ${iso(n.since)}, next step ${iso(n.next)}`;
  return n.unwatched ? `${base}, ${UNWATCHED}` : base;
}

const NOTE = /^(\S+) from (\d+) to (\d+), (\d+(?:\.\d+)?)% since (\S+Z), next step (\S+Z)(, (.*))?$/;

/** The note read back, or undefined when it is not one ops wrote (another tool's Description). */
export function parseNote(text: string | undefined): ShiftNote | undefined {
  const m = text ? NOTE.exec(text) : null;
  if (!m) return undefined;
  const since = Date.parse(m[5]);
  const next = Date.parse(m[6]);
  if (Number.isNaN(since) || Number.isNaN(next)) return undefined;
  return {
    strategy: m[1],
    from: m[2],
    to: m[3],
    percent: Number(m[4]),
    since,
    next,
    ...(m[8] === UNWATCHED ? { unwatched: true } : {}),
  };
}

/**
 * What carrying a noted shift on needs: its schedule (the note's strategy, not today's config) and when
 * it began, from when its current weight was set. Undefined when the note names no schedule ops knows.
 */
export function resumeOf(
  n: ShiftNote,
  msPerMinute: number,
): { strategy: Strategy; steps: ShiftStep[]; resume: { startedAt: number; percent: number } } | undefined {
  const strategy = parseStrategy(n.strategy);
  if ('problem' in strategy || strategy.type === 'all-at-once') return undefined;
  const steps = scheduleOf(strategy);
  const step = steps.find((s) => s.percent === n.percent);
  if (!step) return undefined;
  return { strategy, steps, resume: { startedAt: n.since - step.atMinute * msPerMinute, percent: n.percent } };
}
