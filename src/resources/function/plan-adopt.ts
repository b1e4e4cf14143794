import { ADOPTED_TAG, ADOPTED_UPTO_TAG, ownerOf, physicalName } from '../../config/naming.js';
import type { FunctionSpec } from '../../config/types.js';
import { UserError } from '../../errors.js';
import type { ActualFunction } from '../../model/actual.js';
import type { ChangeBase } from '../../plan/change.js';
import { changeId, keyOfName, type PlanContext } from '../../plan/context.js';
import { fieldsSummary } from '../../plan/fields.js';
import { functionTags } from '../function-settings/plan.js';
import { keptTagEdit, type TagEdit, tagEdit } from '../plan-owned.js';

/*
 * Kept names and adoption of functions (issue 16.2 and 16.3). Ownership is by tags, never by name: a function with
 * the config's name that another stage or app has tagged stops the plan; an untagged one stops it too unless the
 * config says `adopt: true`, and is then tagged in place (never deleted and created again), its own versions and
 * aliases left as they are. An adopted function that leaves the config (or a destroy) is kept and released: its ops
 * tags go, so it stops being the stage's. Pure.
 */

/** The stage whose inventory a change edits (src/aws/inventory.ts): set on the changes of names outside the prefix. */
export interface InventoryRef {
  app: string;
  stage: string;
}

export type AdoptChange =
  /** An existing untagged function taken over: tagged (hand-made tags kept); the update path follows. */
  | (ChangeBase & TagEdit & { kind: 'function.adopt'; name: string; inventory: InventoryRef })
  /** An adopted function no longer desired: kept, its ops tags removed. */
  | (ChangeBase & { kind: 'function.release'; name: string; remove: string[]; inventory: InventoryRef });

const fnResource = (name: string) => ({ type: 'lambda function' as const, name });

/** The inventory a change of `name` edits, when the name is outside the stage's `{app}-{stage}-` prefix. */
export function inventoryOf(ctx: PlanContext, name: string): InventoryRef | undefined {
  const { app, stage } = ctx.fleet;
  return name.startsWith(physicalName(app, stage, '')) ? undefined : { app, stage };
}

/**
 * Stops the plan, before any write, when the config names a function that exists and is not ours: another stage's
 * or app's (by its tags), or untagged without `adopt: true`.
 */
export function assertClaimable(ctx: PlanContext, fn: FunctionSpec, have: ActualFunction): void {
  if (!have.notOwned) return;
  const owner = ownerOf(have.tags);
  if (owner.app !== undefined || owner.stage !== undefined) {
    const sameApp = owner.app === ctx.fleet.app;
    const by = sameApp ? `stage ${owner.stage ?? '?'} (ops:stage)` : `app ${owner.app ?? '?'} (ops:app)`;
    const fix = sameApp
      ? `give this stage another name, e.g. name: { ${owner.stage ?? 'prod'}: '${fn.name}' }`
      : `give functions.${fn.key} another name`;
    throw new UserError(`function ${fn.name} belongs to ${by}: ${fix}`, {
      hint: 'ownership is by tags: ops changes nothing of another stage or app (nothing was changed)',
    });
  }
  if (fn.adopt) return;
  throw new UserError(`function ${fn.name} exists, not managed by ops (no ops:app/ops:stage tags); nothing was changed`, {
    hint: `set adopt: true on functions.${fn.key} to take it over in place (tagged, never recreated), or give it another name`,
  });
}

/** The newest published version (0: none): versions up to it are not ops's to prune. */
const newestVersion = (have: ActualFunction) => Math.max(0, ...have.versions.map((v) => Number(v.version)).filter(Number.isFinite));

/** The tags a function of ours should carry, and the edit that gets them there (an adopted one keeps hand-made tags). */
export function functionTagEdit(fn: FunctionSpec, have: ActualFunction): TagEdit & { fields: ReturnType<typeof tagEdit>['fields'] } {
  const adopting = have.notOwned === true;
  if (!adopting && have.tags[ADOPTED_TAG] !== 'true') return tagEdit(have.tags, functionTags(fn));
  const upto = adopting ? String(newestVersion(have)) : (have.tags[ADOPTED_UPTO_TAG] ?? '0');
  return keptTagEdit(have.tags, { ...functionTags(fn), [ADOPTED_TAG]: 'true', [ADOPTED_UPTO_TAG]: upto });
}

/** `function.adopt` for an untagged function the config adopts; the code and configuration updates wait for it. */
export function planAdopt(ctx: PlanContext, fn: FunctionSpec, have: ActualFunction): AdoptChange {
  const edit = functionTagEdit(fn, have);
  const versions = have.versions.length;
  return {
    kind: 'function.adopt',
    id: changeId('function.adopt', fn.name),
    action: 'update',
    fn: fn.key,
    resource: fnResource(fn.name),
    summary: `adopt function ${fn.name} (tagged, not recreated; its ${versions} version${versions === 1 ? '' : 's'} and aliases are kept): ${fieldsSummary(edit.fields)}`,
    fields: edit.fields,
    dependsOn: [],
    name: fn.name,
    addTags: edit.addTags,
    removeTags: edit.removeTags,
    inventory: { app: ctx.fleet.app, stage: ctx.fleet.stage },
  };
}

/** True for a function ops adopted rather than created: it is kept when it leaves the config. */
export const isAdopted = (have: ActualFunction) => have.tags[ADOPTED_TAG] === 'true';

/** `function.release` for an adopted function leaving the config (or destroyed): kept, its ops tags removed. */
export function planRelease(ctx: PlanContext, have: ActualFunction): AdoptChange {
  const remove = Object.keys(have.tags)
    .filter((k) => k.startsWith('ops:'))
    .sort();
  return {
    kind: 'function.release',
    id: changeId('function.release', have.name),
    action: 'update',
    fn: keyOfName(ctx, have.name),
    resource: fnResource(have.name),
    summary: `keep function ${have.name}: kept (adopted: ops did not create it); its ops tags are removed (its log group's too)`,
    fields: remove.map((k) => ({ field: `tag.${k}`, from: have.tags[k] ?? '' })),
    dependsOn: [],
    name: have.name,
    remove,
    inventory: { app: ctx.fleet.app, stage: ctx.fleet.stage },
  };
}

/** Versions an adopted function had before ops took it over: never pruned (callers' aliases may point at them). */
export function isForeignVersion(have: ActualFunction, version: string): boolean {
  if (!isAdopted(have) && !have.notOwned) return false;
  const upto = have.notOwned ? newestVersion(have) : Number(have.tags[ADOPTED_UPTO_TAG] ?? '0');
  return Number(version) <= upto;
}
