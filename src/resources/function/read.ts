import type { Actual, ActualFunction } from '../../model/actual.js';
import type { ReadContext } from '../kind.js';

export interface FunctionsRead {
  items: Record<string, ActualFunction>;
  foreign: Actual['foreign'];
}

/** The function kind's read, shared: the kinds that hang off functions (log groups, settings, subscriptions) wait for it. */
export function functionsOf(r: ReadContext): Promise<FunctionsRead> {
  const p = r.read('function').then((x) => ({ items: x.actual?.functions ?? {}, foreign: x.foreign ?? [] }));
  // Observed at once: a kind may await something else first (log groups load their client), and a failed
  // function read must not surface as an unhandled rejection meanwhile (readActual reports it).
  p.catch(() => {});
  return p;
}
