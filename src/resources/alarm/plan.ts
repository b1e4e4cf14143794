import { ADOPTED_TAG, FUNCTION_KEY_TAG } from '../../config/naming.js';
import type { FunctionSpec } from '../../config/types.js';
import type { ActualAlarm, AlarmSettings } from '../../model/actual.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, inScope, keyOfName, type PlanContext } from '../../plan/context.js';
import { compareStrings, fieldsSummary, listText } from '../../plan/fields.js';
import { type InventoryRef, inventoryRefFor } from '../plan-inventory.js';
import { keptTagEdit, tagEdit } from '../plan-owned.js';
import { type AlarmReleaseChange, assertAlarmClaim, isAdoptedAlarm, releaseAlarmChange } from './plan-adopt.js';

/** `inventory`: the alarm's name is outside `{app}-{stage}-`, so the stage inventory lists it (src/resources/kept-inventory.ts). */
export type AlarmChange = (
  | AlarmReleaseChange
  /** PutMetricAlarm (create or replace); tags given at creation, or added and removed on an update. */
  | (ChangeBase & {
      kind: 'alarm.set';
      alarm: AlarmSettings;
      createTags?: Record<string, string>;
      addTags?: Record<string, string>;
      removeTags?: string[];
    })
  | (ChangeBase & { kind: 'alarm.delete'; alarmName: string })
) & { inventory?: InventoryRef };

const NAMESPACE = 'AWS/Lambda';

const COMPARISON_SYMBOL: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '≥',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

/** The alarms of a function as PutMetricAlarm takes them: on the whole function (FunctionName dimension). */
export function desiredAlarms(fn: FunctionSpec): AlarmSettings[] {
  return fn.alarms.map((a) => ({
    name: a.name,
    description: a.description,
    namespace: NAMESPACE,
    metric: a.metric,
    statistic: a.statistic,
    dimensions: { FunctionName: fn.name },
    period: a.periodSeconds,
    evaluationPeriods: a.evaluationPeriods,
    datapointsToAlarm: a.datapointsToAlarm,
    threshold: a.threshold,
    comparison: a.comparison,
    treatMissingData: a.treatMissingData,
    actions: a.snsTopicArn ? [a.snsTopicArn] : [],
  }));
}

const dims = (d: Record<string, string>) =>
  Object.entries(d)
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([k, v]) => `${k}=${v}`);

export function diffAlarm(from: AlarmSettings, to: AlarmSettings): FieldDiff[] {
  const pairs: [string, string, string][] = [
    ['description', from.description || '(none)', to.description || '(none)'],
    ['namespace', from.namespace, to.namespace],
    ['metric', from.metric, to.metric],
    ['statistic', from.statistic, to.statistic],
    ['dimensions', listText(dims(from.dimensions)), listText(dims(to.dimensions))],
    ['period', `${from.period}s`, `${to.period}s`],
    ['evaluationPeriods', String(from.evaluationPeriods), String(to.evaluationPeriods)],
    ['datapointsToAlarm', String(from.datapointsToAlarm), String(to.datapointsToAlarm)],
    ['threshold', String(from.threshold), String(to.threshold)],
    ['comparison', from.comparison, to.comparison],
    ['treatMissingData', from.treatMissingData, to.treatMissingData],
    ['actions', listText([...from.actions].sort(compareStrings)), listText([...to.actions].sort(compareStrings))],
  ];
  return pairs.filter(([, a, b]) => a !== b).map(([field, a, b]) => ({ field, from: a, to: b }));
}

/** `over 3×60s`, or `in 2 of 3×60s` for an "M out of N" alarm; `, missing data breaching` when not the default. */
function overPeriods(a: AlarmSettings): string {
  const periods =
    a.datapointsToAlarm === a.evaluationPeriods ? `over ${a.evaluationPeriods}` : `in ${a.datapointsToAlarm} of ${a.evaluationPeriods}`;
  return `${periods}×${a.period}s${a.treatMissingData === 'missing' ? '' : `, missing data ${a.treatMissingData}`}`;
}

/** The function an alarm watches: its FunctionName dimension, else its `ops:function` tag. */
function alarmOwner(ctx: PlanContext, a: ActualAlarm): string | undefined {
  if (a.dimensions.FunctionName) return a.dimensions.FunctionName.split(':')[0];
  const key = a.tags[FUNCTION_KEY_TAG];
  return key ? (ctx.fleet.functions.find((f) => f.key === key)?.name ?? `${ctx.fleet.app}-${ctx.fleet.stage}-${key}`) : undefined;
}

/** The alarms of every deployed function; owned alarms no desired function has are deleted (with `only`, just the named functions'). */
export function planAlarms(ctx: PlanContext): AlarmChange[] {
  const out: AlarmChange[] = [];
  const have = ctx.actual.alarms ?? {};
  const foreign = new Set(ctx.actual.foreign.filter((f) => f.type === 'cloudwatch alarm').map((f) => f.name));
  for (const fn of ctx.deploy) {
    for (const [i, want] of desiredAlarms(fn).entries()) {
      if (foreign.has(want.name)) {
        ctx.warnings.push(`${fn.key}: alarm ${want.name} exists and is not ops's: not changed (delete or rename that alarm)`);
        continue;
      }
      const current = have[want.name];
      const adopting = assertAlarmClaim(fn, fn.alarms[i]!, current);
      const adopted = adopting || (current !== undefined && isAdoptedAlarm(current));
      const base = {
        kind: 'alarm.set' as const,
        id: changeId('alarm.set', want.name),
        fn: fn.key,
        resource: { type: 'cloudwatch alarm' as const, name: want.name },
        dependsOn: [changeId('function.create', fn.name)],
        alarm: want,
        ...inventoryRefFor(ctx.fleet, want.name),
      };
      if (!current) {
        const op = COMPARISON_SYMBOL[want.comparison] ?? want.comparison;
        out.push({
          ...base,
          action: 'create',
          summary: `create alarm ${want.name}: ${want.statistic} of ${want.metric} ${op} ${want.threshold} ${overPeriods(want)} → ${want.actions.length ? listText(want.actions) : 'no action'}`,
          fields: [],
          createTags: fn.tags,
        });
        continue;
      }
      // An adopted alarm keeps the tags that are not ops's (plan-adopt.ts).
      const tags = adopted ? keptTagEdit(current.tags, { ...fn.tags, [ADOPTED_TAG]: 'true' }) : tagEdit(current.tags, fn.tags);
      const fields = [...diffAlarm(current, want), ...tags.fields];
      if (!fields.length) continue;
      out.push({
        ...base,
        action: 'update',
        summary: `${adopting ? 'adopt' : 'update'} alarm ${want.name}${adopting ? ' (tag it, name kept)' : ''}: ${fieldsSummary(fields)}`,
        fields,
        ...(tags.fields.length ? { addTags: tags.addTags, removeTags: tags.removeTags } : {}),
      });
    }
  }
  const wanted = new Set(ctx.desired.flatMap((f) => f.alarms.map((a) => a.name)));
  for (const a of Object.values(have).sort((x, y) => compareStrings(x.name, y.name))) {
    // An alarm read for a kept name that is not ours is never deleted (a destroy reads it too).
    if (wanted.has(a.name) || a.notOwned) continue;
    const owner = alarmOwner(ctx, a);
    if (ctx.scope && !(owner && inScope(ctx, owner))) continue;
    if (isAdoptedAlarm(a)) {
      out.push({ ...releaseAlarmChange(a, owner ? keyOfName(ctx, owner) : undefined), ...inventoryRefFor(ctx.fleet, a.name) });
      continue;
    }
    out.push({
      kind: 'alarm.delete',
      id: changeId('alarm.delete', a.name),
      action: 'delete',
      fn: owner ? keyOfName(ctx, owner) : undefined,
      resource: { type: 'cloudwatch alarm', name: a.name },
      summary: `delete alarm ${a.name}`,
      fields: [],
      dependsOn: [],
      alarmName: a.name,
      ...inventoryRefFor(ctx.fleet, a.name),
    });
  }
  return out;
}
