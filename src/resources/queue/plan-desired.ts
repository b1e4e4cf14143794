import { queueArn } from '../../config/naming.js';
import type { QueueSpec } from '../../config/resources.js';
import { UserError } from '../../errors.js';
import type { QueueAttributes } from '../../model/queue.js';
import type { PlanContext } from '../../plan/context.js';
import { desiredResourceTags } from '../plan-owned.js';

/** The desired side of the queue planner: the config's queues in the read's shape. */

export const QUEUE_TYPE = 'sqs queue';

/** The queues the run wants: none on a destroy; on a destroy of named functions, the plan leaves queues alone. */
export const desiredQueues = (ctx: PlanContext): QueueSpec[] =>
  ctx.destroy ? [] : (ctx.fleet.resources ?? []).filter((r): r is QueueSpec => r.type === 'queue');

/** The spec's attributes as the read shows them; the dead-letter queue by the ARN its name gives. */
export function desiredQueueAttributes(ctx: PlanContext, spec: QueueSpec): QueueAttributes {
  let deadLetter: QueueAttributes['deadLetter'];
  if (spec.deadLetter) {
    const target = (ctx.fleet.resources ?? []).find((r) => r.type === 'queue' && r.key === spec.deadLetter?.queue) as QueueSpec | undefined;
    if (!target) throw new UserError(`queue ${spec.key}: its dead-letter queue ${spec.deadLetter.queue} is not a queue of the config`);
    if (target.fifo !== spec.fifo)
      throw new UserError(
        `queue ${spec.key}: a ${spec.fifo ? 'FIFO' : 'standard'} queue needs a ${spec.fifo ? 'FIFO' : 'standard'} dead-letter queue`,
        {
          hint: `make ${target.key} ${spec.fifo ? 'fifo: true' : 'a standard queue'}, or name another dead-letter queue`,
        },
      );
    deadLetter = { targetArn: queueArn(ctx.region, ctx.accountId, target.physicalName), maxReceiveCount: spec.deadLetter.maxReceiveCount };
  }
  return {
    fifo: spec.fifo,
    contentBasedDeduplication: spec.fifo && spec.contentBasedDeduplication,
    visibilityTimeoutSeconds: spec.visibilityTimeoutSeconds,
    retentionSeconds: spec.retentionSeconds,
    encryption: spec.encryption,
    ...(spec.encryption === 'kms' && spec.kmsKeyArn ? { kmsKeyArn: spec.kmsKeyArn } : {}),
    ...(deadLetter ? { deadLetter } : {}),
  };
}

/** The config's tags with ops's: ownership, the key, and `ops:removal` only while the config says `destroy`. */
export const desiredQueueTags = (ctx: PlanContext, spec: QueueSpec): Record<string, string> =>
  desiredResourceTags(ctx, spec, { withRemoval: true });
