import type { ActualSubscription } from '../model/actual.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { allPages, mapLimit } from './pool.js';
import { read } from './retry.js';
import { removeTriggerPermission, setTriggerPermission } from './settings.js';

/**
 * SNS subscriptions of `live` aliases. Subscriptions cannot be tagged: one is ops's when its endpoint
 * is the `live` alias of one of the app and stage's functions.
 */

export interface SubscribeInput {
  topicArn: string;
  /** The function's `live` alias ARN. */
  endpoint: string;
  /** JSON text. */
  filterPolicy?: string;
  functionName: string;
  statementId: string;
}

/** Lets the topic invoke `live` first, then subscribes it (Subscribe with the same endpoint is idempotent). */
export async function subscribeFunction(aws: Aws, input: SubscribeInput): Promise<{ subscriptionArn: string }> {
  const sns = await aws.sns();
  await setTriggerPermission(aws, {
    name: input.functionName,
    statementId: input.statementId,
    principal: 'sns.amazonaws.com',
    sourceArn: input.topicArn,
  });
  const out = await aws.write(() =>
    sns.subscribe({
      TopicArn: input.topicArn,
      Protocol: 'lambda',
      Endpoint: input.endpoint,
      ReturnSubscriptionArn: true,
      ...(input.filterPolicy ? { Attributes: { FilterPolicy: input.filterPolicy } } : {}),
    }),
  );
  return { subscriptionArn: out.SubscriptionArn ?? '' };
}

export interface SubscriptionUpdate {
  /** Set the filter policy (JSON text), or remove it (undefined). */
  filter?: { policy?: string };
  /** Put the permission back. */
  permission?: { functionName: string; statementId: string; topicArn: string };
}

export async function updateSubscription(aws: Aws, subscriptionArn: string, what: SubscriptionUpdate): Promise<void> {
  const sns = await aws.sns();
  if (what.permission) {
    const p = what.permission;
    await setTriggerPermission(aws, {
      name: p.functionName,
      statementId: p.statementId,
      principal: 'sns.amazonaws.com',
      sourceArn: p.topicArn,
    });
  }
  if (what.filter) {
    // SNS removes a filter policy when it is set to an empty object.
    const value = what.filter.policy ?? '{}';
    await aws.write(() =>
      sns.setSubscriptionAttributes({ SubscriptionArn: subscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: value }),
    );
  }
}

export interface UnsubscribeInput {
  /** Undefined: only a stale permission is left to remove. */
  subscriptionArn?: string;
  functionName?: string;
  statementId?: string;
}

/** Unsubscribes, then removes the permission; whatever is already gone is fine. */
export async function unsubscribeFunction(aws: Aws, input: UnsubscribeInput): Promise<void> {
  const sns = await aws.sns();
  const arn = input.subscriptionArn;
  if (arn) await orNotFound(aws.write(() => sns.unsubscribe({ SubscriptionArn: arn })));
  if (input.functionName && input.statementId) await removeTriggerPermission(aws, input.functionName, input.statementId);
}

/** A filter policy as SNS reports it; an empty one is none. */
export function mapFilterPolicy(raw: string | undefined): string | undefined {
  const text = raw?.trim();
  return !text || text === '{}' ? undefined : text;
}

/**
 * The lambda subscriptions of `topics` (topics that are gone have none) whose endpoint `isOurs`
 * accepts, each with its filter policy.
 */
export async function readSubscriptions(aws: Aws, topics: string[], isOurs: (endpoint: string) => boolean): Promise<ActualSubscription[]> {
  const sns = await aws.sns();
  const perTopic = await mapLimit([...new Set(topics)].sort(), 8, async (TopicArn) => {
    const subs = await orNotFound(
      allPages(
        (NextToken) => read(aws, () => sns.listSubscriptionsByTopic({ TopicArn, ...(NextToken ? { NextToken } : {}) })),
        (page) => page.Subscriptions,
        (page) => page.NextToken,
      ),
    );
    return (subs ?? []).filter((s) => s.Protocol === 'lambda' && s.Endpoint && s.SubscriptionArn?.startsWith('arn:') && isOurs(s.Endpoint));
  });
  const ours = perTopic.flat();
  const read1 = await mapLimit(ours, 8, async (s): Promise<ActualSubscription | undefined> => {
    const attrs = await orNotFound(read(aws, () => sns.getSubscriptionAttributes({ SubscriptionArn: s.SubscriptionArn! })));
    if (!attrs) return undefined;
    const filterPolicy = mapFilterPolicy(attrs.Attributes?.FilterPolicy);
    return { arn: s.SubscriptionArn!, topicArn: s.TopicArn!, endpoint: s.Endpoint!, ...(filterPolicy ? { filterPolicy } : {}) };
  });
  return read1.filter((s): s is ActualSubscription => s !== undefined);
}
