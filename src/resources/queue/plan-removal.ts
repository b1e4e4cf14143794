import { REMOVAL_TAG } from '../../config/naming.js';
import type { ActualQueue } from '../../model/queue.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { compareStrings } from '../../plan/fields.js';
import { keptHoldsData } from '../plan-owned.js';
import type { QueueChange } from './plan.js';
import { desiredQueueAttributes, desiredQueues, QUEUE_TYPE } from './plan-desired.js';

/** Why a queue that leaves the config (or meets `ops destroy`) stays: it holds the user's messages. */
const keptWarning = (ctx: PlanContext, q: ActualQueue) => keptHoldsData(ctx, 'queue', q.name, `aws sqs delete-queue --queue-url ${q.url}`);

/** ARN → the queue that names it as its dead-letter queue after this run (desired ones as the config says). */
function deadLetterUsers(ctx: PlanContext, stays: readonly ActualQueue[]): Map<string, string> {
  const users = new Map<string, string>();
  for (const spec of desiredQueues(ctx)) {
    const target = desiredQueueAttributes(ctx, spec).deadLetter?.targetArn;
    if (target) users.set(target, spec.physicalName);
  }
  for (const q of stays) if (q.attributes.deadLetter) users.set(q.attributes.deadLetter.targetArn, q.name);
  return users;
}

/**
 * Owned queues no desired queue keeps: deleted only when tagged `ops:removal = destroy` (the config said so
 * while they were in it), never while a queue that stays names them as its dead-letter queue; the others are
 * kept with a warning. A deploy of named functions prunes nothing.
 */
export function planQueueRemovals(ctx: PlanContext, planned: readonly QueueChange[], replaced: ReadonlySet<string>): QueueChange[] {
  if (ctx.scope && !ctx.destroy) return [];
  const { owned = {}, unowned = {} } = ctx.actual.queues ?? {};
  const desired = new Set(desiredQueues(ctx).map((s) => s.physicalName));
  const leaving = Object.values(owned)
    .filter((q) => !desired.has(q.name) && !replaced.has(q.name))
    .sort((a, b) => compareStrings(a.name, b.name));
  const doomed = new Set(leaving.filter((q) => q.tags[REMOVAL_TAG] === 'destroy').map((q) => q.name));
  for (const q of leaving) if (!doomed.has(q.name)) ctx.warnings.push(keptWarning(ctx, q));
  // A kept queue keeps its dead-letter queue, which may keep its own: until nothing more is kept.
  for (;;) {
    const stays = [...Object.values(owned), ...Object.values(unowned)].filter((q) => !desired.has(q.name) && !doomed.has(q.name));
    const users = deadLetterUsers(ctx, stays);
    const saved = leaving.filter((q) => doomed.has(q.name) && users.has(q.arn));
    if (!saved.length) break;
    for (const q of saved) {
      doomed.delete(q.name);
      ctx.warnings.push(`queue ${q.name}: kept (holds data): it is the dead-letter queue of ${users.get(q.arn)}, which stays`);
    }
  }
  return leaving
    .filter((q) => doomed.has(q.name))
    .map((q) => ({
      kind: 'queue.delete' as const,
      id: changeId('queue.delete', q.name),
      action: 'delete' as const,
      resource: { type: QUEUE_TYPE, name: q.name },
      summary: `delete queue ${q.name} (removal: destroy; its messages are lost)`,
      fields: [],
      // After the queues that stop naming it as their dead-letter queue, and those deleted with it.
      dependsOn: [
        ...planned
          .filter((c) => c.kind !== 'queue.delete' && (owned[c.name] ?? unowned[c.name])?.attributes.deadLetter?.targetArn === q.arn)
          .map((c) => c.id),
        ...leaving
          .filter((o) => doomed.has(o.name) && o.attributes.deadLetter?.targetArn === q.arn)
          .map((o) => changeId('queue.delete', o.name)),
      ],
      name: q.name,
    }));
}
