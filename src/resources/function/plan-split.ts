import type { FunctionSpec } from '../../config/types.js';
import type { ActualFunction } from '../../model/actual.js';
import type { ChangeBase } from '../../plan/change.js';
import { changeId, inScope, type PlanContext } from '../../plan/context.js';
import { parseNote } from '../../shift/note.js';
import { recoveryOf, splitOf } from '../../shift/recover.js';

/**
 * A split `live` that no publish of this plan resolves (issue 17): a function this run does not deploy
 * (`ops deploy other-fn`), or one whose code and configuration did not change. It is never left split
 * silently: a shift started with `--no-wait` is carried on (`alias.shift`, watched by the shift gate), one
 * left by an interrupted run is finished or moved back as `deploy.onInterrupt` says (`alias.settle`). Pure.
 */
export type SplitChange =
  | (ChangeBase & { kind: 'alias.settle'; name: string; from: string; to: string })
  | (ChangeBase & { kind: 'alias.shift'; name: string; from: string; to: string });

/** What the function planner knows of a function it deploys: whether it publishes, and which versions run what the config says. */
export interface DesiredLive {
  publishing: boolean;
  runsDesired(version: string): boolean;
}

/**
 * The change for `have`'s split `live`, or undefined (not split, or a publish of this plan resolves it
 * through its shift gate). `desired` is absent for a function this plan does not deploy: its split is
 * resolved as it stands.
 */
export function planSplit(
  ctx: PlanContext,
  fn: FunctionSpec | undefined,
  have: ActualFunction,
  desired?: DesiredLive,
): SplitChange | undefined {
  const split = splitOf(have.alias);
  if (!split || !have.alias) return undefined;
  const from = have.alias.version;
  const note = parseNote(have.alias.shift);
  const found = recoveryOf(have.alias, 'rollback')!.found;
  const base = {
    fn: fn?.key,
    action: 'update' as const,
    resource: { type: 'lambda alias', name: `${have.name}:live` },
    dependsOn: [],
    name: have.name,
    from,
  };
  if (note?.unwatched && note.to === split.newVersion && (!desired || desired.runsDesired(note.to))) {
    return {
      ...base,
      kind: 'alias.shift',
      id: changeId('alias.shift', have.name),
      to: note.to,
      summary: `carry on the shift of ${have.name} to version ${note.to} (${note.strategy}, not watched since --no-wait): look at its signals since it began, then the steps due`,
      fields: [{ field: 'live', from: found, to: `version ${note.to}, step by step` }],
    };
  }
  if (desired?.publishing) return undefined; // the publish's gate finishes or moves back first
  // Only ops's own shifts (its note), or a function configured to shift: another tool's split is not ours to undo.
  if (!note && !fn?.shift) {
    ctx.warnings.push(`${have.name}: live is split (${found}) without ops's note: left as it is`);
    return undefined;
  }
  const mode = fn?.shift?.onInterrupt ?? 'rollback';
  // A function this plan deploys and does not publish runs the config's code on its old version: finishing
  // would leave live on other code (and the next plan would publish again), so it goes back.
  const finish = mode === 'finish' && (!desired || desired.runsDesired(split.newVersion));
  const to = finish ? split.newVersion : from;
  const why = mode === 'finish' && !finish ? `version ${split.newVersion} does not run the config's code` : `deploy.onInterrupt: ${mode}`;
  return {
    ...base,
    kind: 'alias.settle',
    id: changeId('alias.settle', have.name),
    to,
    summary: `${finish ? 'finish' : 'undo'} the interrupted shift of ${have.name}: live to version ${to} alone (${why})`,
    fields: [{ field: 'live', from: found, to: `version ${to}` }],
  };
}

/**
 * Split aliases of configured functions this plan does not deploy (`ops deploy other-fn`); none for a destroy. Only
 * of the functions the stage inventory lists as shifting (`actual.shifting`: a shift lists its function before it
 * splits `live`), which is all a selection reads of the others: the plan is the same whether the read covered the
 * whole stage or not. A split nobody listed (made by hand) is left to a deploy of its own function.
 */
export function planOtherSplits(ctx: PlanContext): SplitChange[] {
  if (ctx.destroy || !ctx.scope) return [];
  const listed = ctx.actual.shifting && new Set(ctx.actual.shifting);
  return ctx.desired.flatMap((fn) => {
    const have = ctx.actual.functions[fn.name];
    if (inScope(ctx, fn.name) || !have || have.notOwned || (listed && !listed.has(fn.name))) return [];
    const change = planSplit(ctx, fn, have);
    return change ? [change] : [];
  });
}
