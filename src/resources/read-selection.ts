import type { FunctionSpec } from '../config/types.js';
import type { ReadScope } from '../model/actual.js';

/**
 * What a deploy or plan reads: the whole stage, or with a selection (`ops deploy fn`, `ops plan fn`) only what its
 * plan looks at (`ReadScope.only`: the selected functions, their roles and log groups; the stage-wide kinds as
 * before). A destroy of a selection reads the whole stage: what it keeps decides what it deletes.
 */
export function selectionScope<S extends ReadScope>(scope: S, selected: readonly FunctionSpec[] | undefined, destroy?: boolean): S {
  if (!selected || destroy) return scope;
  return { ...scope, only: selected.map((f) => f.name) };
}
