import { createQueue, deleteQueue, readQueues, retagQueue, setQueueAttributes } from '../../aws/sqs.js';
import { defineKind } from '../kind.js';
import { planQueues, type QueueChange } from './plan.js';

/** The fleet's SQS queues (`resources` of type `queue`), with their dead-letter queues. */
export const queue = defineKind<QueueChange>({
  kind: 'queue',
  changes: ['queue.create', 'queue.adopt', 'queue.update', 'queue.delete'],
  async read(aws, scope, r) {
    // A fleet that declares no resources makes no SQS call: its no-op deploy stays as fast as before.
    const resources = scope.resources ?? [];
    if (!resources.length) return {};
    const names = resources.filter((x) => x.type === 'queue').map((x) => x.physicalName);
    const { queues, foreign } = await readQueues(aws, scope, names, r.concurrency);
    return { actual: { queues }, foreign };
  },
  plan: planQueues,
  apply: {
    async 'queue.create'(c, run) {
      return createQueue(run.aws, c.name, c.attributes, c.tags);
    },
    async 'queue.adopt'(c, run) {
      // Tagged first: from then on the queue is ours, and a failed attribute update is retried as an update.
      await retagQueue(run.aws, c.url, c.addTags, c.removeTags);
      if (c.which.length) await setQueueAttributes(run.aws, c.url, c.attributes, c.which);
    },
    async 'queue.update'(c, run) {
      if (c.which.length) await setQueueAttributes(run.aws, c.url, c.attributes, c.which);
      await retagQueue(run.aws, c.url, c.addTags, c.removeTags);
    },
    'queue.delete': (c, run) => deleteQueue(run.aws, c.name),
  },
});
