import type { ActualRule, ActualSubscription, PolicyStatement } from '../model/actual.js';
import type { FunctionSpec, ScheduleSpec, SnsSpec } from '../config/types.js';
import { functionNameOfArn, liveAliasArn, RULE_SID_PREFIX, regionOfArn, ruleArn, SNS_SID_PREFIX, shortArn } from './arn.js';
import { changeId, inScope, keyOfName, type PlanContext } from './context.js';
import { canonicalJson, compareStrings, diffMaps, fieldsSummary, quote, userTags } from './fields.js';
import type { Change, FieldDiff, ScheduleChangeSpec } from './types.js';

/** Id of the one target ops puts on each of its rules (src/aws/events.ts writes it). */
export const RULE_TARGET_ID = 'live';

const EVENTS = 'events.amazonaws.com';
const SNS = 'sns.amazonaws.com';

const isSchedule = (t: FunctionSpec['triggers'][number]): t is ScheduleSpec => t.kind === 'schedule';
const isSns = (t: FunctionSpec['triggers'][number]): t is SnsSpec => t.kind === 'sns';

/** The `AWS:SourceArn` a statement is scoped to. */
export function statementSource(s: PolicyStatement): string | undefined {
  const c = (s.Condition?.ArnLike ?? s.Condition?.ArnEquals) as Record<string, unknown> | undefined;
  const v = c?.['AWS:SourceArn'] ?? c?.['aws:SourceArn'];
  return typeof v === 'string' ? v : Array.isArray(v) && v.length === 1 ? String(v[0]) : undefined;
}

function principalOf(s: PolicyStatement): string | undefined {
  const p = s.Principal as { Service?: unknown } | string | undefined;
  return typeof p === 'string' ? p : typeof p?.Service === 'string' ? p.Service : undefined;
}

/**
 * The one statement `sid` on the policy lets `principal` invoke from exactly `source`. Two under one
 * id (a retried AddPermission on an endpoint that accepts them, as moto does) are rewritten as one.
 */
const permits = (policy: PolicyStatement[], sid: string, principal: string, source: string) => {
  const same = policy.filter((s) => s.Sid === sid);
  return (
    same.length === 1 &&
    (same[0].Effect ?? 'Allow') === 'Allow' &&
    principalOf(same[0]) === principal &&
    statementSource(same[0]) === source
  );
};

/** The statement on `live` that lets a trigger invoke it, as Lambda's GetPolicy reports it. */
export function desiredTriggerStatement(region: string, accountId: string, fn: FunctionSpec, t: ScheduleSpec | SnsSpec): PolicyStatement {
  return {
    Sid: t.statementId,
    Effect: 'Allow',
    Principal: { Service: t.kind === 'schedule' ? EVENTS : SNS },
    Action: 'lambda:InvokeFunction',
    Resource: liveAliasArn(region, accountId, fn.name),
    Condition: { ArnLike: { 'AWS:SourceArn': t.kind === 'schedule' ? ruleArn(region, accountId, t.ruleName) : t.topicArn } },
  };
}

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

/** Schedules and SNS subscriptions of one deployed function, each with the permission that lets it invoke `live`. */
function planFunctionTriggers(ctx: PlanContext, fn: FunctionSpec): Change[] {
  const out: Change[] = [];
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

  const endpoint = liveAliasArn(ctx.region, ctx.accountId, fn.name);
  for (const t of fn.triggers.filter(isSns)) {
    if (regionOfArn(t.topicArn) !== ctx.region) {
      ctx.warnings.push(`${fn.key}: topic ${t.topicArn} is not in ${ctx.region}: ops subscribes to topics in the fleet's region only`);
      continue;
    }
    const filter = t.filterPolicy ? JSON.stringify(t.filterPolicy) : undefined;
    const have = ctx.actual.subscriptions?.find((s) => s.topicArn === t.topicArn && s.endpoint === endpoint);
    const key = `${fn.name}:${t.topicArn}`;
    const base = { fn: fn.key, resource: { type: 'sns subscription' as const, name: `${shortArn(t.topicArn)} → ${fn.name}:live` } };
    if (!have) {
      out.push({
        ...base,
        kind: 'subscription.create',
        id: changeId('subscription.create', key),
        action: 'create',
        summary: `subscribe ${fn.name}:live to ${shortArn(t.topicArn)}${filter ? ' (filtered)' : ''}`,
        fields: filter ? [{ field: 'filter', to: quote(filter) }] : [],
        dependsOn: deps,
        topicArn: t.topicArn,
        endpoint,
        ...(filter ? { filterPolicy: filter } : {}),
        name: fn.name,
        statementId: t.statementId,
      });
      continue;
    }
    const fields: FieldDiff[] = [];
    const filterChanged = canonicalJson(have.filterPolicy) !== canonicalJson(filter);
    if (filterChanged)
      fields.push({
        field: 'filter',
        from: have.filterPolicy ? quote(have.filterPolicy) : '(none)',
        to: filter ? quote(filter) : '(none)',
      });
    const permission = !permits(policy, t.statementId, SNS, t.topicArn);
    if (permission) fields.push({ field: 'permission', to: t.statementId });
    if (!fields.length) continue;
    out.push({
      ...base,
      kind: 'subscription.update',
      id: changeId('subscription.update', key),
      action: 'update',
      summary: `update subscription of ${fn.name}:live to ${shortArn(t.topicArn)}: ${fieldsSummary(fields)}`,
      fields,
      dependsOn: deps,
      subscriptionArn: have.arn,
      topicArn: t.topicArn,
      name: fn.name,
      statementId: t.statementId,
      ...(filterChanged ? { filter: filter ? { policy: filter } : {} } : {}),
      permission,
    });
  }
  return out;
}

/** The function a rule invokes: its ops target's function, else its `ops:function` tag. */
function ruleOwner(ctx: PlanContext, rule: ActualRule): string | undefined {
  const target = rule.targets.find((t) => t.id === RULE_TARGET_ID) ?? rule.targets[0];
  const byTarget = target && functionNameOfArn(target.arn);
  if (byTarget) return byTarget;
  const key = rule.tags['ops:function'];
  return key ? (ctx.fleet.functions.find((f) => f.key === key)?.name ?? `${ctx.fleet.app}-${ctx.fleet.stage}-${key}`) : undefined;
}

/**
 * Schedules and subscriptions of every deployed function; rules and subscriptions no desired
 * function has any more are deleted (with `only`, just those of the named functions), and so are
 * trigger permissions left on a deployed function's `live` without their rule or subscription.
 */
export function planTriggers(ctx: PlanContext): Change[] {
  const out: Change[] = [];
  for (const fn of ctx.deploy) out.push(...planFunctionTriggers(ctx, fn));
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

  const wantedSubs = new Set(
    ctx.desired.flatMap((f) => f.triggers.filter(isSns).map((t) => `${t.topicArn}\0${liveAliasArn(ctx.region, ctx.accountId, f.name)}`)),
  );
  const subs = [...(ctx.actual.subscriptions ?? [])].sort((a, b) => compareStrings(a.arn, b.arn));
  for (const sub of subs.filter((s: ActualSubscription) => !wantedSubs.has(`${s.topicArn}\0${s.endpoint}`))) {
    const owner = functionNameOfArn(sub.endpoint);
    if (!owned(owner)) continue;
    const sid = policyOf(owner).find((s) => s.Sid?.startsWith(SNS_SID_PREFIX) && statementSource(s) === sub.topicArn)?.Sid;
    if (owner && sid) covered.add(`${owner}\0${sid}`);
    out.push({
      kind: 'subscription.delete',
      id: changeId('subscription.delete', `${owner ?? sub.endpoint}:${sub.topicArn}`),
      action: 'delete',
      fn: owner ? keyOfName(ctx, owner) : undefined,
      resource: { type: 'sns subscription', name: `${shortArn(sub.topicArn)} → ${owner ?? sub.endpoint}:live` },
      summary: `unsubscribe ${owner ?? sub.endpoint}:live from ${shortArn(sub.topicArn)}`,
      fields: [],
      dependsOn: [],
      subscriptionArn: sub.arn,
      ...(owner && sid ? { name: owner, statementId: sid } : {}),
    });
  }

  // Statements a deployed function keeps for triggers it no longer has (their rule or subscription is gone).
  for (const fn of ctx.deploy) {
    const wanted = new Set(fn.triggers.map((t) => t.statementId));
    for (const s of policyOf(fn.name)) {
      const sid = s.Sid ?? '';
      const rule = sid.startsWith(RULE_SID_PREFIX);
      if ((!rule && !sid.startsWith(SNS_SID_PREFIX)) || wanted.has(sid) || covered.has(`${fn.name}\0${sid}`)) continue;
      covered.add(`${fn.name}\0${sid}`);
      const kind = rule ? 'schedule.delete' : 'subscription.delete';
      out.push({
        kind,
        id: changeId(kind, `${fn.name}:${sid}`),
        action: 'delete',
        fn: fn.key,
        resource: { type: 'lambda permission', name: `${fn.name}:live ${sid}` },
        summary: `remove the stale permission ${sid} (${statementSource(s) ?? 'no source'}) from ${fn.name}:live`,
        fields: [],
        dependsOn: [],
        name: fn.name,
        statementId: sid,
        ...(rule ? { targetIds: [] } : {}),
      } as Change);
    }
  }
  return out;
}
