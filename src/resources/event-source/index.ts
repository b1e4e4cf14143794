import { createQueueMapping, deleteQueueMapping, listQueueMappings, updateQueueMapping } from '../../aws/event-source.js';
import { mapLimit } from '../../aws/pool.js';
import { functionsOf } from '../function/read.js';
import { defineKind } from '../kind.js';
import { type EventSourceChange, planEventSources } from './plan.js';

/** SQS → function event source mappings (`triggers: [{ sqs: '<queue key>', batchSize, batchWindow, maxConcurrency }]`). */
export const eventSource = defineKind<EventSourceChange>({
  kind: 'event-source',
  after: ['queue', 'function'],
  changes: ['eventsource.create', 'eventsource.update', 'eventsource.delete'],
  async read(aws, _scope, r) {
    // Asked per queue the read found (one call each), only when the fleet declares resources; filled into the queues read.
    const queues = (await r.read('queue')).actual?.queues;
    if (!queues) return {};
    const { items } = await functionsOf(r);
    const found = await mapLimit(Object.values(queues.owned), r.concurrency ?? 8, (q) => listQueueMappings(aws, q.arn));
    queues.mappings = found.flat().filter((m) => items[m.functionName]);
    return {};
  },
  plan: planEventSources,
  link(_ctx, changes) {
    // A queue or a function is deleted after the mappings between them.
    const deletes = changes.filter((c) => c.kind === 'eventsource.delete') as Extract<EventSourceChange, { kind: 'eventsource.delete' }>[];
    for (const c of changes) {
      if (c.kind === 'queue.delete')
        c.dependsOn.push(...deletes.filter((d) => d.queueArn.endsWith(`:${c.resource.name}`)).map((d) => d.id));
      if (c.kind === 'function.delete') c.dependsOn.push(...deletes.filter((d) => d.fn === c.fn).map((d) => d.id));
    }
  },
  apply: {
    'eventsource.create': (c, run) => createQueueMapping(run.aws, c.queueArn, c.functionName, c.settings),
    'eventsource.update': (c, run) => updateQueueMapping(run.aws, c.uuid, c.settings),
    'eventsource.delete': (c, run) => deleteQueueMapping(run.aws, c.uuid),
  },
});
