import type { Actual, ActualFunction } from '../../model/actual.js';
import type { ReadContext } from '../kind.js';

export interface FunctionsRead {
  items: Record<string, ActualFunction>;
  foreign: Actual['foreign'];
}

/** The function kind's read, shared: the kinds that hang off functions (log groups, settings, subscriptions) wait for it. */
export const functionsOf = (r: ReadContext): Promise<FunctionsRead> =>
  r.read('function').then((x) => ({ items: x.actual?.functions ?? {}, foreign: x.foreign ?? [] }));
