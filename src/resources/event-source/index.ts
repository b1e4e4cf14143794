import {
  createQueueMapping,
  createStreamMapping,
  deleteQueueMapping,
  listQueueMappings,
  listStreamMappings,
  updateQueueMapping,
  updateStreamMapping,
} from '../../aws/event-source.js';
import { mapLimit } from '../../aws/pool.js';
import { functionsOf } from '../function/read.js';
import { defineKind } from '../kind.js';
import { type EventSourceChange, planEventSources } from './plan.js';

type Delete = Extract<EventSourceChange, { kind: 'eventsource.delete' }>;

/**
 * Event source mappings to `live`: SQS (`triggers: [{ sqs: '<queue key>', batchSize, ... }]`) and DynamoDB
 * streams (`triggers: [{ dynamodb: '<table key>', startingPosition, filters, ... }]`).
 */
export const eventSource = defineKind<EventSourceChange>({
  kind: 'event-source',
  after: ['queue', 'table', 'function'],
  changes: ['eventsource.create', 'eventsource.update', 'eventsource.delete'],
  async read(aws, _scope, r) {
    // Asked per queue and per streamed table the read found (one call each), only when the fleet declares them.
    const [queues, tables] = await Promise.all([r.read('queue'), r.read('table')]).then(
      ([q, t]) => [q.actual?.queues, t.actual?.tables] as const,
    );
    if (!queues && !tables) return {};
    const { items } = await functionsOf(r);
    const streamed = Object.values(tables ?? {}).flatMap((t) => (t.streamArn ? [t.streamArn] : []));
    const [byQueue, byStream] = await Promise.all([
      mapLimit(Object.values(queues?.owned ?? {}), r.concurrency ?? 8, (q) => listQueueMappings(aws, q.arn)),
      mapLimit(streamed, r.concurrency ?? 8, (arn) => listStreamMappings(aws, arn)),
    ]);
    if (queues) queues.mappings = byQueue.flat().filter((m) => items[m.functionName]);
    const streamMappings = byStream.flat().filter((m) => items[m.functionName]);
    return streamMappings.length ? { actual: { streamMappings } } : {};
  },
  plan: planEventSources,
  link(_ctx, changes) {
    // A queue, a table or a function is deleted after the mappings between them.
    const deletes = changes.filter((c): c is Delete => c.kind === 'eventsource.delete');
    const from = (d: Delete) => ('queueArn' in d ? d.queueArn.slice(d.queueArn.lastIndexOf(':') + 1) : d.streamArn.split('/')[1]);
    for (const c of changes) {
      if (c.kind === 'queue.delete' || c.kind === 'table.delete')
        c.dependsOn.push(...deletes.filter((d) => from(d) === c.resource.name).map((d) => d.id));
      if (c.kind === 'function.delete') c.dependsOn.push(...deletes.filter((d) => d.fn === c.fn).map((d) => d.id));
    }
  },
  apply: {
    'eventsource.create': (c, run) =>
      'stream' in c
        ? createStreamMapping(run.aws, c.table, c.functionName, c.stream)
        : createQueueMapping(run.aws, c.queueArn, c.functionName, c.settings),
    'eventsource.update': (c, run) =>
      'stream' in c ? updateStreamMapping(run.aws, c.uuid, c.stream) : updateQueueMapping(run.aws, c.uuid, c.settings),
    'eventsource.delete': (c, run) => deleteQueueMapping(run.aws, c.uuid),
  },
});
