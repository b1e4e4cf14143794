import type { AliasConfiguration } from '@aws-sdk/client-lambda';
import { LIVE_ALIAS } from '../config/naming.js';
import type { Aws } from './clients.js';
import { getMetricData, type MetricQuery } from './cloudwatch.js';
import { allPages } from './pool.js';
import { read, withConflictRetry } from './retry.js';

/**
 * The AWS side of traffic shifting (issue 17): `live`'s weighted routing and the signals watched during
 * a shift. The loop and its decisions are pure (src/shift/); these calls only write and read.
 */

/** The additional versions of an alias read back, only when it is split (so an unsplit read is as before). */
export function routingOf(alias: Pick<AliasConfiguration, 'RoutingConfig' | 'Description'> | undefined): {
  weights?: Record<string, number>;
  shift?: string;
} {
  const weights = Object.fromEntries(Object.entries(alias?.RoutingConfig?.AdditionalVersionWeights ?? {}).filter(([, w]) => w > 0));
  if (!Object.keys(weights).length) return {};
  return { weights, ...(alias?.Description?.startsWith(SHIFT_NOTE) ? { shift: alias.Description.slice(SHIFT_NOTE.length) } : {}) };
}

/** The alias's Description during a shift says how far it is, for `ops status` (no state is kept anywhere else). */
const SHIFT_NOTE = 'ops shift: ';

/** `live` stays on `oldVersion` and sends `percent` of its traffic to `newVersion`. */
export function setAliasWeight(
  aws: Aws,
  name: string,
  step: { oldVersion: string; newVersion: string; percent: number; note: string },
): Promise<void> {
  // Lambda takes a share below 1 with at most five decimals.
  const weights = { [step.newVersion]: Math.round(step.percent * 1000) / 100_000 };
  return updateLive(aws, name, step.oldVersion, weights, `${SHIFT_NOTE}${step.note}`.slice(0, 256));
}

/**
 * `live` on `version` alone, its note gone: the end of a shift, its rollback, the recovery of an
 * interrupted one, and `ops rollback` (moveAlias), which during a shift moves all the traffic at once.
 */
export const settleAlias = (aws: Aws, name: string, version: string): Promise<void> => updateLive(aws, name, version, {}, '');

async function updateLive(aws: Aws, name: string, version: string, weights: Record<string, number>, description: string): Promise<void> {
  const lambda = await aws.lambda();
  await withConflictRetry(
    () =>
      aws.write(() =>
        lambda.updateAlias({
          FunctionName: name,
          Name: LIVE_ALIAS,
          FunctionVersion: version,
          Description: description,
          RoutingConfig: { AdditionalVersionWeights: weights },
        }),
      ),
    undefined,
    aws.retry,
  );
}

export interface SignalRead {
  name: string;
  newVersion: string;
  oldVersion: string;
  alarms: string[];
  /** p99 Duration of both versions (only when a threshold compares them). */
  p99: boolean;
  start: number;
  end: number;
}

/**
 * The new version's Errors, Throttles and Invocations on `live` (Lambda's dimensions FunctionName,
 * Resource = `<fn>:live`, ExecutedVersion), summed over [start, end); the p99 Duration of both versions
 * when asked; and which of the declared alarms are in ALARM.
 */
export async function readShiftSignals(aws: Aws, r: SignalRead) {
  const dims = (version: string) => ({ FunctionName: r.name, Resource: `${r.name}:${LIVE_ALIAS}`, ExecutedVersion: version });
  const q = (id: string, metricName: string, stat: string, version = r.newVersion): MetricQuery => ({
    id,
    namespace: 'AWS/Lambda',
    metricName,
    dimensions: dims(version),
    stat,
    period: 60,
  });
  const queries = [q('errors', 'Errors', 'Sum'), q('throttles', 'Throttles', 'Sum'), q('invocations', 'Invocations', 'Sum')];
  if (r.p99) queries.push(q('p99new', 'Duration', 'p99'), q('p99old', 'Duration', 'p99', r.oldVersion));
  const [series, alarmsInAlarm] = await Promise.all([getMetricData(aws, queries, r.start, r.end), alarmsInAlarmOf(aws, r.alarms)]);
  const sum = (id: string) => (series.get(id)?.values ?? []).reduce((a, b) => a + b, 0);
  const last = (id: string) => series.get(id)?.values.at(-1);
  return {
    errors: sum('errors'),
    throttles: sum('throttles'),
    invocations: sum('invocations'),
    alarmsInAlarm,
    ...(r.p99 && last('p99new') !== undefined ? { p99New: last('p99new') } : {}),
    ...(r.p99 && last('p99old') !== undefined ? { p99Old: last('p99old') } : {}),
  };
}

async function alarmsInAlarmOf(aws: Aws, names: string[]): Promise<string[]> {
  if (!names.length) return [];
  const cw = await aws.cloudwatch();
  const found = [];
  // DescribeAlarms takes at most 100 names per call.
  for (let i = 0; i < names.length; i += 100) {
    const chunk = names.slice(i, i + 100);
    found.push(
      ...(await allPages(
        (NextToken) => read(aws, () => cw.describeAlarms({ AlarmNames: chunk, StateValue: 'ALARM', ...(NextToken ? { NextToken } : {}) })),
        (page) => [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])],
        (page) => page.NextToken,
      )),
    );
  }
  return found.map((a) => a.AlarmName!).sort();
}
