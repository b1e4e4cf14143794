import { ADOPTED_TAG, logGroupName } from '../../config/naming.js';
import { retentionDaysOf } from '../../config/resolve-log-retention.js';
import type { FunctionSpec } from '../../config/types.js';
import type { ChangeBase } from '../../plan/change.js';
import { changeId, inScope, keyOfName, type PlanContext } from '../../plan/context.js';
import { compareStrings, fieldsSummary } from '../../plan/fields.js';

export type LogGroupChange =
  /** `retentionDays` absent: the group never expires (no retention policy; an existing one is deleted). */
  | (ChangeBase & { kind: 'loggroup.create'; logGroup: string; retentionDays?: number; tags: Record<string, string> })
  | (ChangeBase & { kind: 'loggroup.retention'; logGroup: string; retentionDays?: number })
  /** Only planned by `destroy`: a deploy keeps the logs of functions it removes. */
  | (ChangeBase & { kind: 'loggroup.delete'; logGroup: string });

/** Each deployed function's log group, created with its retention; `destroy` deletes the owned ones. */
export function planLogGroups(ctx: PlanContext): LogGroupChange[] {
  return [...ctx.deploy.flatMap((fn) => planLogGroup(ctx, fn)), ...planLogGroupDeletes(ctx)];
}

/** The log group's create may meet a group that is not ours, or the function's name is someone else's. */
function needsFunctionFirst(ctx: PlanContext, fn: FunctionSpec): boolean {
  if (ctx.actual.unownedLogGroups?.includes(fn.logGroup)) return true;
  return ctx.actual.foreign.some((f) => f.type === 'lambda function' && f.name === fn.name);
}

const days = (d: number | undefined) => (d === undefined ? 'never expire' : `${d} days`);

function planLogGroup(ctx: PlanContext, fn: FunctionSpec): LogGroupChange[] {
  const have = ctx.actual.logGroups[fn.logGroup];
  const want = retentionDaysOf(fn.logRetentionDays);
  const keep = want === undefined ? {} : { retentionDays: want };
  const base = { fn: fn.key, resource: { type: 'log group' as const, name: fn.logGroup }, dependsOn: [], logGroup: fn.logGroup };
  if (!have) {
    return [
      {
        ...base,
        // A group already there untagged becomes ours with the function (exactly its log group), not before;
        // one that is not there is created at once, beside the function (CloudWatch Logs paces its writes).
        dependsOn: needsFunctionFirst(ctx, fn) ? [changeId('function.create', fn.name), changeId('function.adopt', fn.name)] : [],
        kind: 'loggroup.create',
        id: changeId('loggroup.create', fn.logGroup),
        action: 'create',
        // An untagged group of a function being adopted is adopted with it: tagged in place, its logs kept.
        summary: ctx.actual.unownedLogGroups?.includes(fn.logGroup)
          ? `adopt log group ${fn.logGroup} (tagged, not recreated; ${days(want)})`
          : `create log group ${fn.logGroup} (${days(want)})`,
        fields: [],
        ...keep,
        tags: fn.tags,
      },
    ];
  }
  if (have.retentionDays === want) return [];
  const fields = [{ field: 'retention', from: days(have.retentionDays), to: days(want) }];
  return [
    {
      ...base,
      kind: 'loggroup.retention',
      id: changeId('loggroup.retention', fn.logGroup),
      action: 'update',
      // Removing the policy reads as the config says it: "retention never (was 30 days)".
      summary:
        want === undefined
          ? `remove retention of ${fn.logGroup}: retention never (was ${days(have.retentionDays)})`
          : `set retention of ${fn.logGroup}: ${fieldsSummary(fields)}`,
      fields,
      ...keep,
    },
  ];
}

/** `destroy` only: the owned log groups (of the named functions, with `only`). */
function planLogGroupDeletes(ctx: PlanContext): LogGroupChange[] {
  if (!ctx.destroy) return [];
  const kept = new Set(ctx.desired.map((f) => f.logGroup));
  const names = new Set([...Object.keys(ctx.actual.functions), ...ctx.fleet.functions.map((f) => f.name)]);
  const out: LogGroupChange[] = [];
  for (const name of Object.keys(ctx.actual.logGroups).sort(compareStrings)) {
    if (kept.has(name)) continue;
    const owner = [...names].find((n) => logGroupName(n) === name);
    if (ctx.scope && (!owner || !inScope(ctx, owner))) continue;
    // An adopted function's group held its logs before ops: it is kept with the function.
    if (owner && ctx.actual.functions[owner]?.tags[ADOPTED_TAG] === 'true') continue;
    out.push({
      kind: 'loggroup.delete',
      id: changeId('loggroup.delete', name),
      action: 'delete',
      fn: owner ? keyOfName(ctx, owner) : undefined,
      resource: { type: 'log group', name },
      summary: `delete log group ${name}`,
      fields: [],
      dependsOn: owner ? [changeId('function.delete', owner)] : [],
      logGroup: name,
    });
  }
  return out;
}
