import { isLeading, kindRank } from '../resources/registry.js';
import { compareStrings } from './fields.js';
import type { Change } from './types.js';

export { kindRank };

// Leading changes (a new layer version) sort before every function's changes (they wait for them); other changes that belong to no function after.
const groupOf = (c: Change) => (isLeading(c.kind) ? '' : c.fn === undefined ? '\uffff' : c.fn);

function compareChanges(a: Change, b: Change): number {
  return compareStrings(groupOf(a), groupOf(b)) || kindRank(a.kind) - kindRank(b.kind) || compareStrings(a.id, b.id);
}

/**
 * Dependency order, deterministic: of the changes whose dependencies are all placed, the first
 * by (function key, kind, id) goes next. `dependsOn` is narrowed to ids present in the plan
 * (planners name the changes a change would wait for, whether or not they were needed).
 */
export function orderChanges(changes: Change[]): Change[] {
  const byId = new Map<string, Change>();
  for (const c of changes) {
    if (byId.has(c.id)) throw new Error(`plan: two changes with id ${c.id}`);
    byId.set(c.id, c);
  }
  const nodes = changes.map((c) => ({
    ...c,
    dependsOn: [...new Set(c.dependsOn)].filter((id) => id !== c.id && byId.has(id)).sort(compareStrings),
  })) as Change[];
  const placed = new Set<string>();
  const pending = [...nodes].sort(compareChanges);
  const out: Change[] = [];
  while (pending.length) {
    const i = pending.findIndex((c) => c.dependsOn.every((d) => placed.has(d)));
    if (i < 0) throw new Error(`plan: dependency cycle among ${pending.map((c) => c.id).join(', ')}`);
    const [next] = pending.splice(i, 1);
    placed.add(next.id);
    out.push(next);
  }
  return out;
}
