import { RESOURCE_KEY_TAG } from '../../config/naming.js';
import type { QueueSpec } from '../../config/resources.js';
import { UserError } from '../../errors.js';
import { type ActualQueue, type QueueAttributes, queueAttributeDiffs } from '../../model/queue.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { fieldsSummary } from '../../plan/fields.js';
import { assertAdoptable, keptTagEdit, type TagEdit } from '../plan-owned.js';
import { desiredQueueAttributes, desiredQueues, desiredQueueTags, QUEUE_TYPE } from './plan-desired.js';
import { planQueueRemovals } from './plan-removal.js';

export { QUEUE_TYPE };

export type QueueChange =
  /** CreateQueue with its attributes and tags (its dead-letter queue first). */
  | (ChangeBase & { kind: 'queue.create'; name: string; attributes: QueueAttributes; tags: Record<string, string> })
  /** SetQueueAttributes for the attributes in `which`, TagQueue/UntagQueue for the tags. */
  | (ChangeBase &
      TagEdit & { kind: 'queue.update'; name: string; url: string; attributes: QueueAttributes; which: (keyof QueueAttributes)[] })
  /** An existing queue not made by ops, taken over (`adopt: true`): tagged, its attributes brought to the config; never recreated. */
  | (ChangeBase &
      TagEdit & { kind: 'queue.adopt'; name: string; url: string; attributes: QueueAttributes; which: (keyof QueueAttributes)[] })
  /** DeleteQueue: only a queue tagged `ops:removal = destroy`, or one replaced with `--allow-data-loss`. */
  | (ChangeBase & { kind: 'queue.delete'; name: string });

const nameOfArn = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
const encryptionText = (q: QueueAttributes) => (q.encryption === 'kms' ? `kms ${q.kmsKeyArn ?? 'alias/aws/sqs'}` : q.encryption);
const deadLetterText = (q: QueueAttributes) =>
  q.deadLetter ? `${nameOfArn(q.deadLetter.targetArn)} after ${q.deadLetter.maxReceiveCount}` : '(none)';

const ATTRIBUTE_TEXT: Record<keyof QueueAttributes, [string, (q: QueueAttributes) => string]> = {
  fifo: ['fifo', (q) => String(q.fifo)],
  contentBasedDeduplication: ['contentBasedDeduplication', (q) => String(q.contentBasedDeduplication)],
  visibilityTimeoutSeconds: ['visibilityTimeout', (q) => `${q.visibilityTimeoutSeconds}s`],
  retentionSeconds: ['retention', (q) => `${q.retentionSeconds}s`],
  encryption: ['encryption', encryptionText],
  kmsKeyArn: ['encryption', encryptionText],
  deadLetter: ['deadLetter', deadLetterText],
};

export function queueFields(
  from: QueueAttributes | undefined,
  to: QueueAttributes,
  which: readonly (keyof QueueAttributes)[],
): FieldDiff[] {
  return which.map((k) => {
    const [field, text] = ATTRIBUTE_TEXT[k];
    return { field, ...(from ? { from: text(from) } : {}), to: text(to) };
  });
}

/** The dead-letter queue is made (or adopted) before a queue names it. */
const deadLetterFirst = (want: QueueAttributes) =>
  want.deadLetter ? ['queue.create', 'queue.adopt'].map((k) => changeId(k, nameOfArn(want.deadLetter!.targetArn))) : [];

const replaceRefused = (spec: QueueSpec, what: string) =>
  new UserError(`queue ${spec.key}: replace: the messages are lost (${what}); nothing was changed`, {
    hint: 'SQS cannot change this in place: keep it as it is, or run with --allow-data-loss to replace the queue',
  });

/** An existing queue with the desired name that ops does not own: a stop, unless the config adopts it. */
function planAdopt(ctx: PlanContext, spec: QueueSpec, have: ActualQueue, want: QueueAttributes): QueueChange {
  assertAdoptable('queue', spec, have.tags);
  if (have.attributes.fifo !== want.fifo) throw replaceRefused(spec, `the existing queue is ${have.attributes.fifo ? 'FIFO' : 'standard'}`);
  const which = queueAttributeDiffs(want, have.attributes);
  const tags = keptTagEdit(have.tags, desiredQueueTags(ctx, spec));
  const fields = [...queueFields(have.attributes, want, which), ...tags.fields];
  return {
    kind: 'queue.adopt',
    id: changeId('queue.adopt', spec.physicalName),
    action: 'update',
    resource: { type: QUEUE_TYPE, name: spec.physicalName },
    summary: `adopt queue ${spec.physicalName} (tagged, not recreated): ${fieldsSummary(fields)}`,
    fields,
    dependsOn: deadLetterFirst(want),
    name: spec.physicalName,
    url: have.url,
    attributes: want,
    which,
    addTags: tags.addTags,
    removeTags: tags.removeTags,
  };
}

function planQueue(ctx: PlanContext, spec: QueueSpec, replaced: Set<string>): QueueChange[] {
  const want = desiredQueueAttributes(ctx, spec);
  const owned = ctx.actual.queues?.owned ?? {};
  const have = owned[spec.physicalName];
  const dlq = deadLetterFirst(want);
  const base = { resource: { type: QUEUE_TYPE, name: spec.physicalName }, name: spec.physicalName };
  const unowned = ctx.actual.queues?.unowned[spec.physicalName];
  if (!have && unowned) return [planAdopt(ctx, spec, unowned, want)];
  if (have) {
    if (have.attributes.fifo !== want.fifo) throw replaceRefused(spec, `fifo ${have.attributes.fifo} → ${want.fifo}`);
    const which = queueAttributeDiffs(want, have.attributes);
    const tags = keptTagEdit(have.tags, desiredQueueTags(ctx, spec));
    const fields = [...queueFields(have.attributes, want, which), ...tags.fields];
    if (!fields.length) return [];
    return [
      {
        ...base,
        kind: 'queue.update',
        id: changeId('queue.update', spec.physicalName),
        action: 'update',
        summary: `update queue ${spec.physicalName}: ${fieldsSummary(fields)}`,
        fields,
        dependsOn: dlq,
        url: have.url,
        attributes: want,
        which,
        addTags: tags.addTags,
        removeTags: tags.removeTags,
      },
    ];
  }
  // Not there by its name, but a queue of ours carries its key: the name changed (a FIFO switch adds `.fifo`).
  const previous = Object.values(owned).find((q) => q.tags[RESOURCE_KEY_TAG] === spec.key && !replaced.has(q.name));
  const create: QueueChange = {
    ...base,
    kind: 'queue.create',
    id: changeId('queue.create', spec.physicalName),
    action: previous ? 'replace' : 'create',
    summary: `${previous ? `replace queue ${previous.name} with` : 'create queue'} ${spec.physicalName}${want.fifo ? ' (FIFO)' : ''}`,
    fields: queueFields(undefined, want, [
      'fifo',
      'visibilityTimeoutSeconds',
      'retentionSeconds',
      'encryption',
      ...(want.deadLetter ? (['deadLetter'] as const) : []),
    ]),
    dependsOn: dlq,
    attributes: want,
    tags: desiredQueueTags(ctx, spec),
  };
  if (!previous) return [create];
  const what =
    previous.attributes.fifo !== want.fifo
      ? `fifo ${previous.attributes.fifo} → ${want.fifo}`
      : `renamed ${previous.name} → ${spec.physicalName}`;
  if (!ctx.allowDataLoss) throw replaceRefused(spec, what);
  replaced.add(previous.name);
  ctx.warnings.push(`queue ${spec.key}: replaced (${what}) with --allow-data-loss: the messages in ${previous.name} are lost`);
  return [
    create,
    {
      kind: 'queue.delete',
      id: changeId('queue.delete', previous.name),
      action: 'delete',
      resource: { type: QUEUE_TYPE, name: previous.name },
      summary: `delete queue ${previous.name} (replaced by ${spec.physicalName}: its messages are lost)`,
      fields: [],
      dependsOn: [create.id],
      name: previous.name,
    },
  ];
}

/**
 * The fleet's SQS queues: created (each dead-letter queue first), updated in place field by field, adopted
 * when the config says so; an existing queue not ours stops the plan, as does a change SQS can only make by
 * replacing the queue (without --allow-data-loss). Queues that leave the config are kept unless tagged
 * `ops:removal = destroy` (planQueueRemovals).
 */
export function planQueues(ctx: PlanContext): QueueChange[] {
  // A destroy of named functions leaves the fleet's queues alone.
  if (ctx.destroy && ctx.scope) return [];
  const replaced = new Set<string>();
  const out = desiredQueues(ctx).flatMap((spec) => planQueue(ctx, spec, replaced));
  return [...out, ...planQueueRemovals(ctx, out, replaced)];
}
