import {
  createTopic,
  deleteTopic,
  readTopics,
  setEndpointFilter,
  setTopicAttribute,
  subscribeEndpoint,
  tagTopic,
  unsubscribeEndpoint,
} from '../../aws/sns-topics.js';
import type { TopicSpec } from '../../config/resources.js';
import { defineKind } from '../kind.js';
import { planTopics, type TopicChange } from './plan.js';

const topicSpecs = (resources: readonly { type: string }[] | undefined) =>
  (resources ?? []).filter((r): r is TopicSpec => r.type === 'topic');

/** The fleet's SNS topics and their subscriptions to endpoints that are not functions (functions subscribe through `triggers`). */
export const topic = defineKind<TopicChange>({
  kind: 'topic',
  changes: ['topic.create', 'topic.adopt', 'topic.update', 'topic.subscribe', 'topic.filter', 'topic.unsubscribe', 'topic.delete'],
  async read(aws, scope) {
    // A fleet that declares no resources makes no SNS call here: its no-op deploy stays as fast as before.
    if (!scope.resources?.length) return {};
    const { topics, foreign } = await readTopics(aws, {
      app: scope.app,
      stage: scope.stage,
      names: topicSpecs(scope.resources).map((t) => t.physicalName),
    });
    return { actual: { topics }, foreign };
  },
  plan: planTopics,
  link(_ctx, changes) {
    // A function's subscription to a declared topic waits for the topic; a deleted topic goes after its functions' unsubscribes.
    const mine = changes.filter((c): c is TopicChange => c.kind.startsWith('topic.'));
    const created = new Map(mine.flatMap((c) => (c.kind === 'topic.create' ? [[c.name, c.id] as const] : [])));
    const deleted = mine.filter((c) => c.kind === 'topic.delete');
    for (const c of changes) {
      if (c.kind === 'subscription.create' || c.kind === 'subscription.update') {
        const id = created.get(
          String((c as { topicArn?: string }).topicArn)
            .split(':')
            .pop() ?? '',
        );
        if (id) c.dependsOn.push(id);
      }
      if (c.kind === 'subscription.delete') {
        const arn = (c as { subscriptionArn?: string }).subscriptionArn ?? '';
        for (const d of deleted) if (arn.startsWith(`${d.arn}:`)) d.dependsOn.push(c.id);
      }
    }
  },
  apply: {
    'topic.create': (c, run) => createTopic(run.aws, c),
    async 'topic.adopt'(c, run) {
      // Tagged first: from then on the topic is ours, whatever else fails.
      await tagTopic(run.aws, c.arn, c.addTags, c.removeTags);
      if (c.contentBasedDeduplication !== undefined)
        await setTopicAttribute(run.aws, c.arn, 'ContentBasedDeduplication', String(c.contentBasedDeduplication));
    },
    async 'topic.update'(c, run) {
      if (c.contentBasedDeduplication !== undefined)
        await setTopicAttribute(run.aws, c.arn, 'ContentBasedDeduplication', String(c.contentBasedDeduplication));
      await tagTopic(run.aws, c.arn, c.addTags, c.removeTags);
    },
    'topic.subscribe': (c, run) =>
      subscribeEndpoint(run.aws, c.topicArn, { protocol: c.protocol, endpoint: c.endpoint, filterPolicy: c.filterPolicy }),
    'topic.filter': (c, run) => setEndpointFilter(run.aws, c.subscriptionArn, c.filterPolicy),
    'topic.unsubscribe': (c, run) => unsubscribeEndpoint(run.aws, c.subscriptionArn),
    'topic.delete': (c, run) => deleteTopic(run.aws, c.arn),
  },
});
