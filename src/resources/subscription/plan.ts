import { functionNameOfArn, liveAliasArn, regionOfArn, SNS_SID_PREFIX, shortArn } from '../../config/naming.js';
import type { FunctionSpec } from '../../config/types.js';
import type { ActualSubscription } from '../../model/actual.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, inScope, keyOfName, type PlanContext } from '../../plan/context.js';
import { canonicalJson, compareStrings, fieldsSummary, quote } from '../../plan/fields.js';
import { isSns, permits, SNS, stalePermissionDelete, stalePermissions, statementSource } from '../trigger-policy.js';

export type SubscriptionChange =
  /** Permission on `live` for the topic, then Subscribe (protocol lambda, endpoint the `live` alias ARN). */
  | (ChangeBase & {
      kind: 'subscription.create';
      topicArn: string;
      endpoint: string;
      filterPolicy?: string;
      name: string;
      statementId: string;
    })
  /** `filter` set: the filter policy becomes `filter.policy` (removed when undefined); `permission`: put it back. */
  | (ChangeBase & {
      kind: 'subscription.update';
      subscriptionArn: string;
      topicArn: string;
      name: string;
      statementId: string;
      filter?: { policy?: string };
      permission: boolean;
    })
  /** Unsubscribe, then remove the permission; without `subscriptionArn` only a stale permission is left. */
  | (ChangeBase & { kind: 'subscription.delete'; subscriptionArn?: string; name?: string; statementId?: string });

/** The SNS subscriptions of one deployed function, each with the permission that lets its topic invoke `live`. */
function planFunctionSubscriptions(ctx: PlanContext, fn: FunctionSpec): SubscriptionChange[] {
  const out: SubscriptionChange[] = [];
  const policy = ctx.actual.functions[fn.name]?.aliasPolicy ?? [];
  const deps = [changeId('function.create', fn.name), changeId('alias.publish', fn.name)];
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

/**
 * Subscriptions of every deployed function; subscriptions no desired function has any more are deleted (with
 * `only`, just those of the named functions), and so are topic permissions left on a deployed function's `live`
 * without their subscription.
 */
export function planSubscriptions(ctx: PlanContext): SubscriptionChange[] {
  const out: SubscriptionChange[] = [];
  for (const fn of ctx.deploy) out.push(...planFunctionSubscriptions(ctx, fn));
  const owned = (name: string | undefined) => !ctx.scope || (name !== undefined && inScope(ctx, name));
  const policyOf = (name: string | undefined) => (name ? (ctx.actual.functions[name]?.aliasPolicy ?? []) : []);
  const covered = new Set<string>();

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

  for (const p of stalePermissions(ctx, SNS_SID_PREFIX, covered)) out.push(stalePermissionDelete('subscription.delete', p));
  return out;
}
