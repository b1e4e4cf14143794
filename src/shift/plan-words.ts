import type { FunctionSpec } from '../config/types.js';
import { describeSchedule } from './strategy.js';

/**
 * How the plan says `live` will move: at once (today's words, kept for every fleet without a strategy),
 * or shifted step by step with the total time. A function without a `live` version yet has nothing to
 * shift from, so it moves at once whatever its strategy. Pure.
 */
export function shiftWords(fn: Pick<FunctionSpec, 'shift'>, liveNow: string | undefined): string {
  const strategy = fn.shift?.strategy;
  if (!liveNow || !strategy || strategy.type === 'all-at-once') return 'point live at it';
  return `shift live to it from version ${liveNow}: ${describeSchedule(strategy)}`;
}
