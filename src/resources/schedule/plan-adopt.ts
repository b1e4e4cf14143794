import { ADOPTED_TAG, functionArn, RULE_SID_PREFIX, RULE_TARGET_ID } from '../../config/naming.js';
import type { EventRuleSpec, FunctionSpec, ScheduleSpec } from '../../config/types.js';
import type { ActualRule } from '../../model/actual.js';
import type { ScheduleChangeSpec } from '../../model/specs.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { assertClaimable } from '../plan-claim.js';
import { keptTagEdit } from '../plan-owned.js';

/*
 * Rules with a kept name that ops did not create (issue 16.2). The read returns such a rule marked `notOwned`:
 * another stage's or app's stops the plan naming the owner; an untagged one stops unless `adopt: true`. An adopted
 * rule is tagged in place (same name), marked `ops:adopted`; its targets that are not ops's stay, except one calling
 * the function itself (unqualified): ops's `live` target replaces it, after the permission, so no event is refused.
 * When it leaves the config, ops's target, permission and tags go and the rule stays.
 */

/** An adopted rule leaving the config: the rule is kept, ops's target and tags removed, the permission on `name`'s `live` too. */
export type ScheduleReleaseChange = ChangeBase & {
  kind: 'schedule.release';
  ruleName: string;
  bus?: string;
  targetIds: string[];
  removeTags: string[];
  name?: string;
  statementId?: string;
};

export const isAdoptedRule = (rule: ActualRule) => rule.tags[ADOPTED_TAG] === 'true';

/** Stops the plan for a rule that is not ours and may not be taken; returns whether this plan adopts it. */
export function assertRuleClaim(fn: FunctionSpec, t: ScheduleSpec | EventRuleSpec, have: ActualRule | undefined): boolean {
  if (!have?.notOwned) return false;
  assertClaimable({
    at: `functions.${fn.key}.triggers (ruleName ${t.ruleName})`,
    what: 'rule',
    field: 'ruleName',
    tags: have.tags,
    adopt: t.adopt,
  });
  return true;
}

/** What the executor writes for an adopted rule: ops's tags beside the rule's own, marked adopted. */
export const adoptedSpec = (want: ScheduleChangeSpec): ScheduleChangeSpec => ({ ...want, tags: { ...want.tags, [ADOPTED_TAG]: 'true' } });

/**
 * The diff of an adopted rule, from the generic one: tags that are not ops's stay, and of the other targets only
 * one calling the function unqualified goes (said as a field: it moves to `live`).
 */
export function adoptedDiff(
  ctx: Pick<PlanContext, 'region' | 'accountId'>,
  have: ActualRule,
  want: ScheduleChangeSpec,
): { removeTargetIds: string[]; tags: FieldDiff[]; addTags: Record<string, string>; removeTags: string[]; moved: FieldDiff[] } {
  const unqualified = functionArn(ctx.region, ctx.accountId, want.functionName);
  const moving = have.targets.filter((t) => t.id !== RULE_TARGET_ID && t.arn === unqualified);
  const edit = keptTagEdit(have.tags, want.tags);
  return {
    removeTargetIds: moving.map((t) => t.id),
    tags: edit.fields,
    addTags: edit.addTags,
    removeTags: edit.removeTags,
    moved: moving.map((t) => ({ field: `target ${t.id}`, from: want.functionName, to: `${want.functionName}:live` })),
  };
}

/** The release of an adopted rule that left the config (`owner`: the function its ops target calls). */
export function releaseRule(rule: ActualRule, owner: string | undefined, fn: string | undefined): ScheduleReleaseChange {
  const opsTags = Object.keys(rule.tags).filter((k) => k.startsWith('ops:'));
  const ours = rule.targets.filter((t) => t.id === RULE_TARGET_ID).map((t) => t.id);
  return {
    kind: 'schedule.release',
    id: changeId('schedule.release', rule.bus ? `${rule.name}@${rule.bus}` : rule.name),
    action: 'update',
    fn,
    resource: { type: 'eventbridge rule', name: rule.name },
    summary: `keep rule ${rule.name}: kept (adopted: ops did not create it); ops's target and tags removed`,
    fields: [...ours.map((id) => ({ field: 'target', from: id })), ...opsTags.map((k) => ({ field: `tag.${k}`, from: rule.tags[k] }))],
    dependsOn: [],
    ruleName: rule.name,
    ...(rule.bus ? { bus: rule.bus } : {}),
    targetIds: ours,
    removeTags: opsTags,
    ...(owner ? { name: owner, statementId: `${RULE_SID_PREFIX}${rule.name}` } : {}),
  };
}
