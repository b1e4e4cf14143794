import { FUNCTION_KEY_TAG, functionNameOfArn, liveAliasArn, RULE_SID_PREFIX, RULE_TARGET_ID, ruleArn } from '../../config/naming.js';
import type { FunctionSpec, ScheduleSpec } from '../../config/types.js';
import type { ActualRule } from '../../model/actual.js';
import type { ScheduleChangeSpec } from '../../model/specs.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, inScope, keyOfName, type PlanContext } from '../../plan/context.js';
import { canonicalJson, compareStrings, diffMaps, fieldsSummary, quote, userTags } from '../../plan/fields.js';
import { EVENTS, isSchedule, permits, stalePermissionDelete, stalePermissions } from '../trigger-policy.js';

export type ScheduleChange =
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
  | (ChangeBase & { kind: 'schedule.delete'; ruleName?: string; targetIds: string[]; name?: string; statementId?: string });

/** The schedule as the executor writes it. */
export function scheduleChangeSpec(ctx: Pick<PlanContext, 'region' | 'accountId'>, fn: FunctionSpec, t: ScheduleSpec): ScheduleChangeSpec {
  return {
    ruleName: t.ruleName,
    expression: t.expression,
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
  scalar(rule, 'schedule', have.scheduleExpression ?? '(none)', want.expression);
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
  for (const t of fn.triggers.filter(isSchedule)) {
    if (foreign.has(t.ruleName)) {
      ctx.warnings.push(`${fn.key}: the schedule's rule ${t.ruleName} exists and is not ops's: not created (delete or rename that rule)`);
      continue;
    }
    const want = scheduleChangeSpec(ctx, fn, t);
    const have = ctx.actual.rules?.[t.ruleName];
    const base = { fn: fn.key, resource: { type: 'eventbridge rule' as const, name: t.ruleName }, schedule: want };
    if (!have) {
      out.push({
        ...base,
        kind: 'schedule.create',
        id: changeId('schedule.create', t.ruleName),
        action: 'create',
        summary: `create schedule ${t.ruleName}: ${t.expression} → ${fn.name}:live${t.enabled ? '' : ' (disabled)'}`,
        fields: t.input === undefined ? [] : [{ field: 'input', to: quote(t.input) }],
        dependsOn: deps,
      });
      continue;
    }
    const d = diffRule(have, want);
    const permission = !permits(policy, t.statementId, EVENTS, ruleArn(ctx.region, ctx.accountId, t.ruleName));
    const fields = [
      ...d.rule,
      ...d.target,
      ...d.removeTargetIds.map((id) => ({ field: 'target', from: id })),
      ...d.tags,
      ...(permission ? [{ field: 'permission', to: t.statementId }] : []),
    ];
    if (!fields.length) continue;
    out.push({
      ...base,
      kind: 'schedule.update',
      id: changeId('schedule.update', t.ruleName),
      action: 'update',
      summary: `update schedule ${t.ruleName}: ${fieldsSummary(fields)}`,
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

  const wantedRules = new Set(ctx.desired.flatMap((f) => f.triggers.filter(isSchedule).map((t) => t.ruleName)));
  for (const rule of Object.values(ctx.actual.rules ?? {}).sort((a, b) => compareStrings(a.name, b.name))) {
    if (wantedRules.has(rule.name)) continue;
    const owner = ruleOwner(ctx, rule);
    if (!owned(owner)) continue;
    const sid = `${RULE_SID_PREFIX}${rule.name}`;
    const hasPermission = policyOf(owner).some((s) => s.Sid === sid);
    if (owner) covered.add(`${owner}\0${sid}`);
    out.push({
      kind: 'schedule.delete',
      id: changeId('schedule.delete', rule.name),
      action: 'delete',
      fn: owner ? keyOfName(ctx, owner) : undefined,
      resource: { type: 'eventbridge rule', name: rule.name },
      summary: `delete schedule ${rule.name}${rule.scheduleExpression ? ` (${rule.scheduleExpression})` : ''}`,
      fields: [],
      dependsOn: [],
      ruleName: rule.name,
      targetIds: rule.targets.map((t) => t.id),
      ...(owner && hasPermission ? { name: owner, statementId: sid } : {}),
    });
  }

  for (const p of stalePermissions(ctx, RULE_SID_PREFIX, covered))
    out.push({ ...stalePermissionDelete('schedule.delete', p), targetIds: [] });
  return out;
}
