import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { alarmArn, isOtherStagesOwn, notOwnedReason, ownerOf } from '../config/naming.js';
import type { Fleet } from '../config/types.js';
import type { Actual, ActualAlarm, AlarmSettings } from '../model/actual.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { allPages, mapLimit } from './pool.js';
import { read } from './retry.js';

/** CloudWatch metric alarms on the functions' metrics. */

const toTags = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** `p99`, `p99.9`, `tm90`...: what CloudWatch takes as ExtendedStatistic rather than Statistic. */
export const isExtendedStatistic = (s: string) => !['Sum', 'Average', 'Maximum', 'Minimum', 'SampleCount'].includes(s);

export interface PutAlarmOptions {
  /** Tags given with a create (PutMetricAlarm ignores Tags on an update: TagResource does that). */
  createTags?: Record<string, string>;
  addTags?: Record<string, string>;
  removeTags?: string[];
}

/** PutMetricAlarm (create or replace), then the tags an update changes. */
export async function putAlarm(aws: Aws, a: AlarmSettings, opts: PutAlarmOptions = {}): Promise<void> {
  const cw = await aws.cloudwatch();
  await aws.write(() =>
    cw.putMetricAlarm({
      AlarmName: a.name,
      ...(a.description ? { AlarmDescription: a.description } : {}),
      Namespace: a.namespace,
      MetricName: a.metric,
      ...(isExtendedStatistic(a.statistic) ? { ExtendedStatistic: a.statistic } : { Statistic: a.statistic as 'Sum' }),
      Dimensions: Object.entries(a.dimensions).map(([Name, Value]) => ({ Name, Value })),
      Period: a.period,
      EvaluationPeriods: a.evaluationPeriods,
      DatapointsToAlarm: a.datapointsToAlarm,
      Threshold: a.threshold,
      ComparisonOperator: a.comparison as 'GreaterThanOrEqualToThreshold',
      TreatMissingData: a.treatMissingData,
      // PutMetricAlarm replaces the alarm: an empty list removes actions a previous deploy set.
      AlarmActions: a.actions,
      ...(opts.createTags ? { Tags: toTags(opts.createTags) } : {}),
    }),
  );
  if (opts.removeTags?.length || (opts.addTags && Object.keys(opts.addTags).length)) {
    const ResourceARN = alarmArn(aws.region, await aws.accountId(), a.name);
    if (opts.removeTags?.length) await aws.write(() => cw.untagResource({ ResourceARN, TagKeys: opts.removeTags! }));
    if (opts.addTags && Object.keys(opts.addTags).length)
      await aws.write(() => cw.tagResource({ ResourceARN, Tags: toTags(opts.addTags!) }));
  }
}

/** DeleteAlarms, up to 100 names a call; names already gone are fine. */
export async function deleteAlarms(aws: Aws, names: string[]): Promise<void> {
  const cw = await aws.cloudwatch();
  for (let i = 0; i < names.length; i += 100) {
    const AlarmNames = names.slice(i, i + 100);
    await orNotFound(aws.write(() => cw.deleteAlarms({ AlarmNames })));
  }
}

/** The settings of an alarm as DescribeAlarms reports them. */
export function mapAlarm(a: MetricAlarm): AlarmSettings {
  return {
    name: a.AlarmName ?? '',
    description: a.AlarmDescription ?? '',
    namespace: a.Namespace ?? '',
    metric: a.MetricName ?? '',
    statistic: a.ExtendedStatistic ?? a.Statistic ?? '',
    dimensions: Object.fromEntries((a.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])),
    period: a.Period ?? 0,
    evaluationPeriods: a.EvaluationPeriods ?? 0,
    datapointsToAlarm: a.DatapointsToAlarm ?? a.EvaluationPeriods ?? 0,
    threshold: a.Threshold ?? 0,
    comparison: a.ComparisonOperator ?? '',
    treatMissingData: a.TreatMissingData ?? 'missing',
    actions: [...(a.AlarmActions ?? [])],
  };
}

/**
 * With a selection (`ops deploy fn`), the alarms its plan can act on: those on a selected function (by their
 * FunctionName dimension, which the alarm plan owns them by), those without one (owned by their tags), and the
 * names the selected functions want. The others' tags are not read: the plan leaves them alone.
 */
function selectionsAlarm(scope: Partial<Pick<Fleet, 'functions'>>, only: readonly string[]) {
  const selected = new Set(only);
  const wanted = new Set((scope.functions ?? []).flatMap((f) => (selected.has(f.name) ? f.alarms.map((a) => a.name) : [])));
  return (a: MetricAlarm) => {
    const fn = a.Dimensions?.find((d) => d.Name === 'FunctionName')?.Value?.split(':')[0];
    return !fn || selected.has(fn) || wanted.has(a.AlarmName ?? '');
  };
}

/**
 * Metric alarms named `{app}-{stage}-…`, with their tags. The prefix only finds candidates: an alarm
 * is ours when tagged for app and stage; the rest are foreign, reported unless another stage owns it
 * under its own name (and the config wants no alarm of that name).
 */
export async function readAlarms(
  aws: Aws,
  scope: Pick<Fleet, 'app' | 'stage'> & Partial<Pick<Fleet, 'functions'>> & { only?: readonly string[] },
  /** Names outside the prefix to look at too (the stage inventory's): each is ours only if its tags say so. */
  also: readonly string[] = [],
): Promise<{ items: Record<string, ActualAlarm>; foreign: Actual['foreign'] }> {
  const cw = await aws.cloudwatch();
  const listed = await allPages(
    (NextToken) =>
      read(aws, () =>
        cw.describeAlarms({
          AlarmNamePrefix: `${scope.app}-${scope.stage}-`,
          AlarmTypes: ['MetricAlarm'],
          ...(NextToken ? { NextToken } : {}),
        }),
      ),
    (page) => page.MetricAlarms,
    (page) => page.NextToken,
  );
  const claims = claimedAlarms(scope);
  const found = new Set(listed.map((a) => a.AlarmName));
  listed.push(
    ...(await describeAlarmsNamed(
      aws,
      [...new Set([...claims, ...also])].filter((n) => !found.has(n)),
    )),
  );
  const tagged = await mapLimit(scope.only ? listed.filter(selectionsAlarm(scope, scope.only)) : listed, 8, async (a) => {
    const tags = await orNotFound(read(aws, () => cw.listTagsForResource({ ResourceARN: a.AlarmArn! })));
    return tags ? { alarm: a, tags: Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key!, t.Value ?? ''])) } : undefined;
  });
  const items: Record<string, ActualAlarm> = {};
  const foreign: Actual['foreign'] = [];
  const wanted = new Set((scope.functions ?? []).flatMap((f) => f.alarms.map((a) => a.name)));
  for (const t of tagged) {
    if (!t) continue;
    const name = t.alarm.AlarmName!;
    const reason = notOwnedReason(t.tags, scope.app, scope.stage);
    if (!reason) items[name] = { ...mapAlarm(t.alarm), arn: t.alarm.AlarmArn!, tags: t.tags };
    else if (claims.has(name)) items[name] = { ...mapAlarm(t.alarm), arn: t.alarm.AlarmArn!, tags: t.tags, notOwned: true };
    else if (wanted.has(name) || !isOtherStagesOwn(name, ownerOf(t.tags), scope.app, scope.stage))
      foreign.push({ type: 'cloudwatch alarm', name, reason });
  }
  return { items, foreign };
}

/**
 * The config's alarms that may be claimed when not ours (a kept name outside `{app}-{stage}-`, or `adopt`): the
 * planner adopts them or stops naming their owner. A derived name without `adopt` stays foreign, warned about.
 */
function claimedAlarms(scope: Pick<Fleet, 'app' | 'stage'> & Partial<Pick<Fleet, 'functions'>>): Set<string> {
  const prefix = `${scope.app}-${scope.stage}-`;
  return new Set((scope.functions ?? []).flatMap((f) => f.alarms.filter((a) => a.adopt || !a.name.startsWith(prefix)).map((a) => a.name)));
}

/** DescribeAlarms by name (up to 100 a call): the kept names the prefix listing cannot find. */
async function describeAlarmsNamed(aws: Aws, names: string[]): Promise<MetricAlarm[]> {
  if (!names.length) return [];
  const cw = await aws.cloudwatch();
  const out: MetricAlarm[] = [];
  for (let i = 0; i < names.length; i += 100) {
    const page = await read(aws, () => cw.describeAlarms({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ['MetricAlarm'] }));
    out.push(...(page.MetricAlarms ?? []));
  }
  return out;
}

/** An adopted alarm ops lets go of: its ops tags removed, the alarm kept. */
export async function releaseAlarm(aws: Aws, name: string, removeTags: string[]): Promise<void> {
  if (!removeTags.length) return;
  const cw = await aws.cloudwatch();
  const ResourceARN = alarmArn(aws.region, await aws.accountId(), name);
  await orNotFound(aws.write(() => cw.untagResource({ ResourceARN, TagKeys: removeTags })));
}
