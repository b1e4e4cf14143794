import { bucketArn, liveAliasArn, ruleArn } from '../config/naming.js';
import type { EventRuleSpec, FunctionSpec, S3TriggerSpec, ScheduleSpec, SnsSpec } from '../config/types.js';
import type { PolicyStatement } from '../model/actual.js';
import { changeId, type PlanContext } from '../plan/context.js';

/** The permissions on `live` that let a trigger (an EventBridge rule, an SNS topic) invoke it: shared by both kinds' planners. */

export const EVENTS = 'events.amazonaws.com';
export const SNS = 'sns.amazonaws.com';
export const S3 = 's3.amazonaws.com';

export const isSchedule = (t: FunctionSpec['triggers'][number]): t is ScheduleSpec => t.kind === 'schedule';
/** A trigger that is an EventBridge rule: a schedule, or an event pattern on a bus. */
export const isRule = (t: FunctionSpec['triggers'][number]): t is ScheduleSpec | EventRuleSpec =>
  t.kind === 'schedule' || t.kind === 'eventbridge';
export const isSns = (t: FunctionSpec['triggers'][number]): t is SnsSpec => t.kind === 'sns';

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
export const permits = (policy: PolicyStatement[], sid: string, principal: string, source: string) => {
  const same = policy.filter((s) => s.Sid === sid);
  return (
    same.length === 1 &&
    (same[0].Effect ?? 'Allow') === 'Allow' &&
    principalOf(same[0]) === principal &&
    statementSource(same[0]) === source
  );
};

/** The statement on `live` that lets a trigger invoke it, as Lambda's GetPolicy reports it. */
export function desiredTriggerStatement(
  region: string,
  accountId: string,
  fn: FunctionSpec,
  t: ScheduleSpec | EventRuleSpec | SnsSpec | S3TriggerSpec,
): PolicyStatement {
  if (t.kind === 's3') {
    // A bucket ARN names no account: SourceAccount keeps a bucket of that name in another account out.
    return {
      Sid: t.statementId,
      Effect: 'Allow',
      Principal: { Service: S3 },
      Action: 'lambda:InvokeFunction',
      Resource: liveAliasArn(region, accountId, fn.name),
      Condition: { StringEquals: { 'AWS:SourceAccount': accountId }, ArnLike: { 'AWS:SourceArn': bucketArn(region, t.bucket) } },
    };
  }
  return {
    Sid: t.statementId,
    Effect: 'Allow',
    Principal: { Service: t.kind === 'sns' ? SNS : EVENTS },
    Action: 'lambda:InvokeFunction',
    Resource: liveAliasArn(region, accountId, fn.name),
    Condition: {
      ArnLike: {
        'AWS:SourceArn':
          t.kind === 'sns' ? t.topicArn : ruleArn(region, accountId, t.ruleName, t.kind === 'eventbridge' ? t.bus : undefined),
      },
    },
  };
}

/**
 * Statements a deployed function keeps on `live` for triggers of one kind (`prefix`) it no longer has (their
 * rule or subscription is gone); `covered`: `name\0sid` pairs a delete of that kind removes already.
 */
export function stalePermissions(ctx: PlanContext, prefix: string, covered: Set<string>) {
  const out: { fn: FunctionSpec; sid: string; statement: PolicyStatement }[] = [];
  for (const fn of ctx.deploy) {
    // An SQS or DynamoDB trigger is a mapping, not a statement: Lambda polls the source with the function's role.
    const wanted = new Set(fn.triggers.flatMap((t) => ('statementId' in t ? [t.statementId] : [])));
    for (const s of ctx.actual.functions[fn.name]?.aliasPolicy ?? []) {
      const sid = s.Sid ?? '';
      if (!sid.startsWith(prefix) || wanted.has(sid) || covered.has(`${fn.name}\0${sid}`)) continue;
      covered.add(`${fn.name}\0${sid}`);
      out.push({ fn, sid, statement: s });
    }
  }
  return out;
}

/** The change that removes a stale trigger permission (`kind` is the trigger kind's delete). */
export function stalePermissionDelete<K extends string>(kind: K, p: { fn: FunctionSpec; sid: string; statement: PolicyStatement }) {
  return {
    kind,
    id: changeId(kind, `${p.fn.name}:${p.sid}`),
    action: 'delete' as const,
    fn: p.fn.key,
    resource: { type: 'lambda permission', name: `${p.fn.name}:live ${p.sid}` },
    summary: `remove the stale permission ${p.sid} (${statementSource(p.statement) ?? 'no source'}) from ${p.fn.name}:live`,
    fields: [],
    dependsOn: [],
    name: p.fn.name,
    statementId: p.sid,
  };
}
