import { foreignEntry, notOwnedReason, shortArn } from '../config/naming.js';
import type { Actual } from '../model/actual.js';
import { type ActualTopic, type ActualTopicSubscription, type ActualTopics, isLambdaEndpoint } from '../model/topic.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { allPages, mapLimit } from './pool.js';
import { read } from './retry.js';
import { mapFilterPolicy } from './sns.js';

/**
 * The fleet's declared SNS topics (`resources`, type topic) and their subscriptions to endpoints that are not
 * functions (email, sqs, https...). Lambda subscriptions belong to the `subscription` kind (src/aws/sns.ts)
 * and are never read or touched here.
 */

const toTags = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export interface TopicReadScope {
  app: string;
  stage: string;
  /** The desired physical names (custom ones included). */
  names: readonly string[];
}

/**
 * The topics named like the stage's (`{app}-{stage}-…`) or like a desired one, each with its tags: owned ones
 * (by tags), unowned ones with a desired name (the plan stops or adopts), and the rest under our prefix as
 * foreign. ListTopics gives ARNs only: tags, attributes and subscriptions are asked of the candidates alone.
 */
export async function readTopics(aws: Aws, scope: TopicReadScope): Promise<{ topics: ActualTopics; foreign: Actual['foreign'] }> {
  const sns = await aws.sns();
  const arns = await allPages(
    (NextToken) => read(aws, () => sns.listTopics(NextToken ? { NextToken } : {})),
    (page) => (page.Topics ?? []).map((t) => t.TopicArn ?? ''),
    (page) => page.NextToken,
  );
  const wanted = new Set(scope.names);
  const prefix = `${scope.app}-${scope.stage}-`;
  const candidates = arns.filter((arn) => arn && (wanted.has(shortArn(arn)) || shortArn(arn).startsWith(prefix))).sort();
  const topics: ActualTopics = { owned: {}, unowned: {} };
  const foreign: Actual['foreign'] = [];
  await mapLimit(candidates, 8, async (arn) => {
    const name = shortArn(arn);
    const tags = await orNotFound(readTopicTags(aws, arn));
    if (!tags) return; // deleted while we read
    const owned = notOwnedReason(tags, scope.app, scope.stage) === undefined;
    if (!owned && !wanted.has(name)) {
      const entry = foreignEntry('sns topic', name, tags, scope.app, scope.stage);
      if (entry) foreign.push(entry);
      return;
    }
    const topic = await orNotFound(readTopic(aws, arn, tags));
    if (topic) (owned ? topics.owned : topics.unowned)[name] = topic;
  });
  return { topics, foreign: foreign.sort((a, b) => (a.name < b.name ? -1 : 1)) };
}

async function readTopicTags(aws: Aws, arn: string): Promise<Record<string, string>> {
  const sns = await aws.sns();
  const out = await read(aws, () => sns.listTagsForResource({ ResourceArn: arn }));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** One topic's attributes and non-Lambda subscriptions. */
async function readTopic(aws: Aws, arn: string, tags: Record<string, string>): Promise<ActualTopic> {
  const sns = await aws.sns();
  const [attrs, subscriptions] = await Promise.all([
    read(aws, () => sns.getTopicAttributes({ TopicArn: arn })),
    readTopicSubscriptions(aws, arn),
  ]);
  const a = attrs.Attributes ?? {};
  const fifo = a.FifoTopic === 'true';
  return {
    name: shortArn(arn),
    arn,
    fifo,
    contentBasedDeduplication: fifo && a.ContentBasedDeduplication === 'true',
    tags,
    subscriptions,
  };
}

/** The subscriptions of a topic whose endpoint is not a function, each with its filter policy (confirmed ones). */
async function readTopicSubscriptions(aws: Aws, TopicArn: string): Promise<ActualTopicSubscription[]> {
  const sns = await aws.sns();
  const all = await allPages(
    (NextToken) => read(aws, () => sns.listSubscriptionsByTopic({ TopicArn, ...(NextToken ? { NextToken } : {}) })),
    (page) => page.Subscriptions ?? [],
    (page) => page.NextToken,
  );
  const mine = all.filter((s) => s.Protocol && s.Endpoint && !isLambdaEndpoint(s.Protocol, s.Endpoint));
  return mapLimit(mine, 8, async (s): Promise<ActualTopicSubscription> => {
    const arn = s.SubscriptionArn ?? '';
    const base = { arn, protocol: s.Protocol!, endpoint: s.Endpoint! };
    // A pending confirmation has no ARN yet: nothing to read (or unsubscribe) until the endpoint confirms.
    if (!arn.startsWith('arn:')) return base;
    const attrs = await orNotFound(read(aws, () => sns.getSubscriptionAttributes({ SubscriptionArn: arn })));
    const filterPolicy = mapFilterPolicy(attrs?.Attributes?.FilterPolicy);
    return { ...base, ...(filterPolicy ? { filterPolicy } : {}) };
  });
}

export interface TopicCreate {
  name: string;
  fifo: boolean;
  contentBasedDeduplication: boolean;
  tags: Record<string, string>;
}

/** CreateTopic is idempotent by name (with the same attributes and tags): a resend after a lost answer is safe. */
export async function createTopic(aws: Aws, t: TopicCreate): Promise<string> {
  const sns = await aws.sns();
  const Attributes: Record<string, string> = t.fifo
    ? { FifoTopic: 'true', ContentBasedDeduplication: String(t.contentBasedDeduplication) }
    : {};
  const out = await aws.write(() => sns.createTopic({ Name: t.name, Attributes, Tags: toTags(t.tags) }));
  return out.TopicArn ?? '';
}

export async function setTopicAttribute(aws: Aws, arn: string, name: 'ContentBasedDeduplication', value: string): Promise<void> {
  const sns = await aws.sns();
  await aws.write(() => sns.setTopicAttributes({ TopicArn: arn, AttributeName: name, AttributeValue: value }));
}

export async function tagTopic(aws: Aws, arn: string, add: Record<string, string>, remove: readonly string[]): Promise<void> {
  const sns = await aws.sns();
  if (remove.length) await aws.write(() => sns.untagResource({ ResourceArn: arn, TagKeys: [...remove] }));
  if (Object.keys(add).length) await aws.write(() => sns.tagResource({ ResourceArn: arn, Tags: toTags(add) }));
}

/** Deletes the topic (SNS deletes its subscriptions with it); already gone is fine. */
export async function deleteTopic(aws: Aws, arn: string): Promise<void> {
  const sns = await aws.sns();
  await orNotFound(aws.write(() => sns.deleteTopic({ TopicArn: arn })));
}

export interface EndpointSubscription {
  protocol: string;
  endpoint: string;
  /** JSON text. */
  filterPolicy?: string;
}

/**
 * Subscribes a non-function endpoint (Subscribe with the same protocol and endpoint is idempotent). An email or
 * https endpoint stays `pending confirmation` until its owner confirms: returned as such.
 */
export async function subscribeEndpoint(aws: Aws, topicArn: string, s: EndpointSubscription): Promise<string> {
  const sns = await aws.sns();
  const out = await aws.write(() =>
    sns.subscribe({
      TopicArn: topicArn,
      Protocol: s.protocol,
      Endpoint: s.endpoint,
      ReturnSubscriptionArn: true,
      ...(s.filterPolicy ? { Attributes: { FilterPolicy: s.filterPolicy } } : {}),
    }),
  );
  return out.SubscriptionArn ?? '';
}

/** Sets the filter policy of a confirmed subscription (an empty object removes it, as SNS documents). */
export async function setEndpointFilter(aws: Aws, subscriptionArn: string, filterPolicy: string | undefined): Promise<void> {
  const sns = await aws.sns();
  await aws.write(() =>
    sns.setSubscriptionAttributes({
      SubscriptionArn: subscriptionArn,
      AttributeName: 'FilterPolicy',
      AttributeValue: filterPolicy ?? '{}',
    }),
  );
}

export async function unsubscribeEndpoint(aws: Aws, subscriptionArn: string): Promise<void> {
  const sns = await aws.sns();
  await orNotFound(aws.write(() => sns.unsubscribe({ SubscriptionArn: subscriptionArn })));
}
