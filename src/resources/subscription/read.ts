import type { Aws } from '../../aws/clients.js';
import { readSubscriptions } from '../../aws/sns.js';
import { LIVE_ALIAS, SNS_SID_PREFIX } from '../../config/naming.js';
import { fillAccount, needsAccount } from '../../config/refs.js';
import type { ActualSubscription, PolicyStatement, ReadScope } from '../../model/actual.js';
import { functionsOf } from '../function/read.js';
import type { ReadContext } from '../kind.js';

/** The topic an `ops-sns-*` statement lets invoke, from its SourceArn condition. */
function topicOf(s: PolicyStatement): string | undefined {
  const like = (s.Condition?.ArnLike ?? s.Condition?.ArnEquals) as Record<string, unknown> | undefined;
  const v = like?.['AWS:SourceArn'] ?? like?.['aws:SourceArn'];
  return typeof v === 'string' ? v : undefined;
}

const regionOf = (arn: string) => arn.split(':')[3];

/**
 * Once the functions are read, the subscriptions of the topics the config or their alias policies name.
 * Subscriptions cannot be tagged: ours when the endpoint is the `live` alias of a function of ours, or of a
 * desired one not there yet (a destroy cut short), never of a function that exists and is not ours.
 */
export async function readStageSubscriptions(aws: Aws, scope: ReadScope, r: ReadContext): Promise<ActualSubscription[]> {
  const { items, foreign } = await functionsOf(r);
  const desired = scope.functions ?? [];
  const topics = new Set<string>();
  // A topic ARN written with `${account}` is read as the topic of this account.
  const wanted = desired.flatMap((fn) => fn.triggers.flatMap((t) => (t.kind === 'sns' ? [t.topicArn] : [])));
  const account = wanted.some(needsAccount) ? await aws.accountId() : '';
  for (const arn of wanted) topics.add(fillAccount(arn, account));
  for (const fn of Object.values(items)) {
    for (const s of fn.aliasPolicy) if (s.Sid?.startsWith(SNS_SID_PREFIX) && topicOf(s)) topics.add(topicOf(s)!);
  }
  const notOurs = new Set(foreign.filter((f) => f.type === 'lambda function').map((f) => f.name));
  const names = new Set([...Object.keys(items), ...desired.map((f) => f.name).filter((n) => !notOurs.has(n))]);
  const isOurs = (endpoint: string) => {
    const m = /^arn:[^:]+:lambda:[^:]+:[^:]+:function:([^:]+):([^:]+)$/.exec(endpoint);
    return !!m && m[2] === LIVE_ALIAS && names.has(m[1]);
  };
  // SNS is regional: a topic elsewhere is the planner's to warn about.
  const here = [...topics].filter((t) => regionOf(t) === aws.region);
  return here.length ? readSubscriptions(aws, here, isOurs) : [];
}
