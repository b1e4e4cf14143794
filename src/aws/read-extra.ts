import { fillAccount, needsAccount } from '../config/refs.js';
import type { Fleet } from '../config/types.js';
import type { Actual, ActualFunction, PolicyStatement } from '../model/actual.js';
import { readAlarms } from './alarms.js';
import type { Aws } from './clients.js';
import { readRules } from './events.js';
import { readLayers } from './layers.js';
import { LIVE_ALIAS } from './map.js';
import { readFunctionSettings } from './settings.js';
import { readSubscriptions } from './sns.js';

/** The scope readActual reads: app and stage, and the desired functions when known (their SNS topics are read too). */
export type ExtraScope = Pick<Fleet, 'app' | 'stage'> & Partial<Pick<Fleet, 'functions'>>;

type Extra = Pick<Actual, 'rules' | 'subscriptions' | 'alarms' | 'layers' | 'foreign'>;

/** Statement ids ops gives the SNS permissions on `live` (see snsStatementId). */
const SNS_SID_PREFIX = 'ops-sns-';

/** The topic an `ops-sns-*` statement lets invoke, from its SourceArn condition. */
function topicOf(s: PolicyStatement): string | undefined {
  const like = (s.Condition?.ArnLike ?? s.Condition?.ArnEquals) as Record<string, unknown> | undefined;
  const v = like?.['AWS:SourceArn'] ?? like?.['aws:SourceArn'];
  return typeof v === 'string' ? v : undefined;
}

const regionOf = (arn: string) => arn.split(':')[3];

/**
 * What issue 7 added to the actual state, read alongside readActual's own reads: schedule rules,
 * alarms and layers at once; once the functions are read, the settings of their `live` aliases and
 * the SNS subscriptions of the topics the config or their alias policies name. Fills
 * `provisionedConcurrency` and `asyncConfig` into the functions. Empty kinds are left out.
 */
export async function readExtras(
  aws: Aws,
  scope: ExtraScope,
  functions: Promise<{ items: Record<string, ActualFunction>; foreign?: Actual['foreign'] }>,
  opts: { concurrency?: number } = {},
): Promise<Extra> {
  const subscriptions = functions.then(async ({ items, foreign = [] }) => {
    const desired = scope.functions ?? [];
    await readFunctionSettings(
      aws,
      items,
      {
        async: new Set(desired.filter((f) => f.async).map((f) => f.name)),
        provisioned: new Set(desired.filter((f) => f.provisionedConcurrency !== undefined).map((f) => f.name)),
      },
      opts.concurrency,
    );
    const topics = new Set<string>();
    // A topic ARN written with `${account}` is read as the topic of this account.
    const wanted = desired.flatMap((fn) => fn.triggers.flatMap((t) => (t.kind === 'sns' ? [t.topicArn] : [])));
    const account = wanted.some(needsAccount) ? await aws.accountId() : '';
    for (const arn of wanted) topics.add(fillAccount(arn, account));
    for (const fn of Object.values(items)) {
      for (const s of fn.aliasPolicy) if (s.Sid?.startsWith(SNS_SID_PREFIX) && topicOf(s)) topics.add(topicOf(s)!);
    }
    // Subscriptions cannot be tagged: ours when the endpoint is the `live` alias of a function of ours, or of a
    // desired one not there yet (a destroy cut short), never of a function that exists and is not ours.
    const notOurs = new Set(foreign.filter((f) => f.type === 'lambda function').map((f) => f.name));
    const names = new Set([...Object.keys(items), ...desired.map((f) => f.name).filter((n) => !notOurs.has(n))]);
    const isOurs = (endpoint: string) => {
      const m = /^arn:[^:]+:lambda:[^:]+:[^:]+:function:([^:]+):([^:]+)$/.exec(endpoint);
      return !!m && m[2] === LIVE_ALIAS && names.has(m[1]);
    };
    // SNS is regional: a topic elsewhere is the planner's to warn about.
    const here = [...topics].filter((t) => regionOf(t) === aws.region);
    return here.length ? readSubscriptions(aws, here, isOurs) : [];
  });
  const [rules, alarms, layers, subs] = await Promise.all([
    readRules(aws, scope),
    readAlarms(aws, scope),
    readLayers(aws, scope),
    subscriptions,
  ]);
  const nonEmpty = <T extends object>(o: T) => Object.keys(o).length > 0;
  return {
    ...(nonEmpty(rules.items) ? { rules: rules.items } : {}),
    ...(subs.length ? { subscriptions: subs } : {}),
    ...(nonEmpty(alarms.items) ? { alarms: alarms.items } : {}),
    ...(nonEmpty(layers.items) ? { layers: layers.items } : {}),
    foreign: [...rules.foreign, ...alarms.foreign, ...layers.foreign],
  };
}
