import {
  FUNCTION_KEY_TAG,
  functionNameOfArn,
  liveAliasArn,
  RULE_SID_PREFIX,
  RULE_TARGET_ID,
  ruleArn,
  ruleKey,
} from '../../config/naming.js';
import type { EventRuleSpec, FunctionSpec, ScheduleSpec } from '../../config/types.js';
import type { ActualRule } from '../../model/actual.js';
import type { ScheduleChangeSpec } from '../../model/specs.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, inScope, keyOfName, type PlanContext } from '../../plan/context.js';
import { canonicalJson, compareStrings, diffMaps, fieldsSummary, quote, userTags } from '../../plan/fields.js';
import { type InventoryRef, inventoryRefFor } from '../plan-inventory.js';
import { EVENTS, isRule, permits, stalePermissionDelete, stalePermissions } from '../trigger-policy.js';
import { adoptedDiff, adoptedSpec, assertRuleClaim, isAdoptedRule, releaseRule, type ScheduleReleaseChange } from './plan-adopt.js';

/** `inventory`: the rule's name is outside `{app}-{stage}-`, so the stage inventory lists it (src/resources/kept-inventory.ts). */
export type ScheduleChange = (
  | ScheduleReleaseChange
  /** Permission on `live` for the rule, the rule (tagged) and its target. */
  | (ChangeBase & { kind: 'schedule.create'; schedule: ScheduleChangeSpec })
  /** Rewrites what the flags say; `removeTargetIds`: targets on the rule that are not ops's. */
  | (ChangeBase & {
      kind: 'schedule.update';
      schedule: ScheduleChangeSpec;
      rule: boolean;
      target: boolean;
      permission: boolean;
      removeTargetIds: string[];
      addTags: Record<string, string>;
      removeTags: string[];
    })
  /** Targets, rule, then the permission on `name`'s `live`; without `ruleName` only a stale permission is left. */
  | (ChangeBase & { kind: 'schedule.delete'; ruleName?: string; bus?: string; targetIds: string[]; name?: string; statementId?: string })
) & { inventory?: InventoryRef };

/** The schedule (or pattern rule) as the executor writes it. */
export function scheduleChangeSpec(
  ctx: Pick<PlanContext, 'region' | 'accountId'>,
  fn: FunctionSpec,
  t: ScheduleSpec | EventRuleSpec,
): ScheduleChangeSpec {
  return {
    ruleName: t.ruleName,
    ...(t.kind === 'schedule' ? { expression: t.expression } : { pattern: t.pattern, ...(t.bus !== 'default' ? { bus: t.bus } : {}) }),
    enabled: t.enabled,
    ...(t.description ? { description: t.description } : {}),
    ...(t.input !== undefined ? { input: t.input } : {}),
    targetArn: liveAliasArn(ctx.region, ctx.accountId, fn.name),
    functionName: fn.name,
    statementId: t.statementId,
    tags: fn.tags,
  };
}

/** Rule, target and tag differences; `removeTargetIds` are targets that are not ops's. */
function diffRule(have: ActualRule, want: ScheduleChangeSpec) {
  const rule: FieldDiff[] = [];
  const target: FieldDiff[] = [];
  const scalar = (into: FieldDiff[], field: string, a: string, b: string) => a !== b && into.push({ field, from: a, to: b });
  if (want.expression !== undefined || have.scheduleExpression)
    scalar(rule, 'schedule', have.scheduleExpression ?? '(none)', want.expression ?? '(none)');
  if (want.pattern !== undefined || have.eventPattern)
    scalar(rule, 'eventPattern', canonicalJson(have.eventPattern) ?? '(none)', canonicalJson(want.pattern) ?? '(none)');
  scalar(rule, 'state', have.state, want.enabled ? 'ENABLED' : 'DISABLED');
  scalar(rule, 'description', quote(have.description), quote(want.description ?? ''));
  const ours = have.targets.find((t) => t.id === RULE_TARGET_ID);
  scalar(target, 'target', ours?.arn ?? '(none)', want.targetArn);
  const show = (v: string | undefined) => (v === undefined ? '(none)' : quote(v));
  if (canonicalJson(ours?.input) !== canonicalJson(want.input))
    target.push({ field: 'input', from: show(ours?.input), to: show(want.input) });
  const removeTargetIds = have.targets.filter((t) => t.id !== RULE_TARGET_ID).map((t) => t.id);
  const current = userTags(have.tags);
  const tags = diffMaps('tag', current, want.tags);
  return {
    rule,
    target,
    removeTargetIds,
    tags,
    addTags: Object.fromEntries(Object.entries(want.tags).filter(([k, v]) => current[k] !== v)),
    removeTags: Object.keys(current).filter((k) => !(k in want.tags)),
  };
}

/** The schedules of one deployed function, each with the permission that lets its rule invoke `live`. */
function planFunctionSchedules(ctx: PlanContext, fn: FunctionSpec): ScheduleChange[] {
  const out: ScheduleChange[] = [];
  const policy = ctx.actual.functions[fn.name]?.aliasPolicy ?? [];
  const deps = [changeId('function.create', fn.name), changeId('alias.publish', fn.name)];
  const foreign = new Set(ctx.actual.foreign.filter((f) => f.type === 'eventbridge rule').map((f) => f.name));
  for (const t of fn.triggers.filter(isRule)) {
    const bus = t.kind === 'eventbridge' ? t.bus : undefined;
    if (foreign.has(t.ruleName)) {
      ctx.warnings.push(`${fn.key}: the schedule's rule ${t.ruleName} exists and is not ops's: not created (delete or rename that rule)`);
      continue;
    }
    const have = ctx.actual.rules?.[ruleKey(t.ruleName, bus)];
    const adopting = assertRuleClaim(fn, t, have);
    const adopted = adopting || (have !== undefined && isAdoptedRule(have));
    const want = adopted ? adoptedSpec(scheduleChangeSpec(ctx, fn, t)) : scheduleChangeSpec(ctx, fn, t);
    const base = { fn: fn.key, resource: { type: 'eventbridge rule' as const, name: t.ruleName }, schedule: want };
    if (!have) {
      out.push({
        ...base,
        kind: 'schedule.create',
        ...inventoryRefFor(ctx.fleet, t.ruleName),
        id: changeId('schedule.create', t.ruleName),
        action: 'create',
        summary:
          t.kind === 'schedule'
            ? `create schedule ${t.ruleName}: ${t.expression} → ${fn.name}:live${t.enabled ? '' : ' (disabled)'}`
            : `create rule ${t.ruleName} on bus ${t.bus}: ${quote(t.pattern)} → ${fn.name}:live${t.enabled ? '' : ' (disabled)'}`,
        fields: t.input === undefined ? [] : [{ field: 'input', to: quote(t.input) }],
        dependsOn: deps,
      });
      continue;
    }
    const generic = diffRule(have, want);
    const d = adopted ? { ...generic, ...adoptedDiff(ctx, have, want) } : { ...generic, moved: [] };
    const permission = !permits(policy, t.statementId, EVENTS, ruleArn(ctx.region, ctx.accountId, t.ruleName, bus));
    const fields = [
      ...d.rule,
      ...d.target,
      ...(adopted ? d.moved : d.removeTargetIds.map((id) => ({ field: 'target', from: id }))),
      ...d.tags,
      ...(permission ? [{ field: 'permission', to: t.statementId }] : []),
    ];
    if (!fields.length) continue;
    out.push({
      ...base,
      kind: 'schedule.update',
      ...(adopting ? inventoryRefFor(ctx.fleet, t.ruleName) : {}),
      id: changeId('schedule.update', t.ruleName),
      action: 'update',
      summary: `${adopting ? 'adopt' : 'update'} ${t.kind === 'schedule' ? 'schedule' : 'rule'} ${t.ruleName}${adopting ? ' (tag it, name kept)' : ''}: ${fieldsSummary(fields)}`,
      fields,
      dependsOn: deps,
      rule: d.rule.length > 0,
      target: d.target.length > 0,
      permission,
      removeTargetIds: d.removeTargetIds,
      addTags: d.tags.length ? d.addTags : {},
      removeTags: d.tags.length ? d.removeTags : [],
    });
  }

  return out;
}

/** The function a rule invokes: its ops target's function, else its `ops:function` tag. */
function ruleOwner(ctx: PlanContext, rule: ActualRule): string | undefined {
  const target = rule.targets.find((t) => t.id === RULE_TARGET_ID) ?? rule.targets[0];
  const byTarget = target && functionNameOfArn(target.arn);
  if (byTarget) return byTarget;
  const key = rule.tags[FUNCTION_KEY_TAG];
  return key ? (ctx.fleet.functions.find((f) => f.key === key)?.name ?? `${ctx.fleet.app}-${ctx.fleet.stage}-${key}`) : undefined;
}

/**
 * Schedules of every deployed function; rules no desired function has any more are deleted (with `only`,
 * just those of the named functions), and so are rule permissions left on a deployed function's `live`
 * without their rule.
 */
export function planSchedules(ctx: PlanContext): ScheduleChange[] {
  const out: ScheduleChange[] = [];
  for (const fn of ctx.deploy) out.push(...planFunctionSchedules(ctx, fn));
  const owned = (name: string | undefined) => !ctx.scope || (name !== undefined && inScope(ctx, name));
  const policyOf = (name: string | undefined) => (name ? (ctx.actual.functions[name]?.aliasPolicy ?? []) : []);
  const covered = new Set<string>();

  const wanted = ctx.desired.flatMap((f) => f.triggers.filter(isRule));
  const wantedRules = new Set(wanted.map((t) => ruleKey(t.ruleName, t.kind === 'eventbridge' ? t.bus : undefined)));
  // A rule renamed onto another bus keeps its statement id: the delete of the old one leaves the statement alone.
  const wantedSids = new Set(wanted.map((t) => t.statementId));
  for (const rule of Object.values(ctx.actual.rules ?? {}).sort((a, b) => compareStrings(a.name, b.name))) {
    // A rule read for a kept name that is not ours is never deleted (a destroy reads it too).
    if (wantedRules.has(ruleKey(rule.name, rule.bus)) || rule.notOwned) continue;
    const owner = ruleOwner(ctx, rule);
    if (!owned(owner)) continue;
    const sid = `${RULE_SID_PREFIX}${rule.name}`;
    const hasPermission = policyOf(owner).some((s) => s.Sid === sid) && !wantedSids.has(sid);
    if (owner) covered.add(`${owner}\0${sid}`);
    if (isAdoptedRule(rule)) {
      out.push({
        ...releaseRule(rule, hasPermission ? owner : undefined, owner ? keyOfName(ctx, owner) : undefined),
        ...inventoryRefFor(ctx.fleet, rule.name),
      });
      continue;
    }
    out.push({
      kind: 'schedule.delete',
      ...inventoryRefFor(ctx.fleet, rule.name),
      id: changeId('schedule.delete', ruleKey(rule.name, rule.bus)),
      action: 'delete',
      fn: owner ? keyOfName(ctx, owner) : undefined,
      resource: { type: 'eventbridge rule', name: rule.name },
      summary: rule.eventPattern
        ? `delete rule ${rule.name}${rule.bus ? ` on bus ${rule.bus}` : ''}`
        : `delete schedule ${rule.name}${rule.scheduleExpression ? ` (${rule.scheduleExpression})` : ''}`,
      fields: [],
      dependsOn: [],
      ruleName: rule.name,
      ...(rule.bus ? { bus: rule.bus } : {}),
      targetIds: rule.targets.map((t) => t.id),
      ...(owner && hasPermission ? { name: owner, statementId: sid } : {}),
    });
  }

  for (const p of stalePermissions(ctx, RULE_SID_PREFIX, covered))
    out.push({ ...stalePermissionDelete('schedule.delete', p), targetIds: [] });
  return out;
}
