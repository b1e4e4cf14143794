import { queueArn } from '../../config/naming.js';
import type { QueueSpec } from '../../config/resources.js';
import type { Fleet, FunctionSpec, SqsTriggerSpec } from '../../config/types.js';
import { UserError } from '../../errors.js';
import type { PolicyStatement } from '../../model/actual.js';
import { mappingDiffs, type QueueMappingSettings } from '../../model/queue.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, inScope, keyOfName, type PlanContext } from '../../plan/context.js';
import { fieldsSummary } from '../../plan/fields.js';
import { planStreamMappings, type StreamChange, streamStatements } from './plan-stream.js';

export type EventSourceChange =
  /** CreateEventSourceMapping from the queue to `live` (after the queue, the role's grants and the alias). */
  | (ChangeBase & { kind: 'eventsource.create'; queueArn: string; functionName: string; settings: QueueMappingSettings })
  | (ChangeBase & { kind: 'eventsource.update'; uuid: string; settings: QueueMappingSettings })
  | (ChangeBase & { kind: 'eventsource.delete'; uuid: string; queueArn: string })
  /** The same three for a DynamoDB stream (plan-stream.ts). */
  | StreamChange;

const isSqs = (t: FunctionSpec['triggers'][number]): t is SqsTriggerSpec => t.kind === 'sqs';

/** AWS asks for a visibility timeout of at least 6× the function's timeout, so a retried batch is not received twice. */
export const VISIBILITY_FACTOR = 6;

/** The queue an SQS trigger names; a trigger naming no queue of `resources`, or a queue Lambda would refuse, is one line. */
export function triggerQueue(fleet: Fleet, fn: FunctionSpec, t: SqsTriggerSpec): QueueSpec {
  const q = fleet.resources.find((r): r is QueueSpec => r.type === 'queue' && r.key === t.queue);
  const at = `functions.${fn.key}.triggers`;
  if (!q)
    throw new UserError(`${at}: sqs '${t.queue}' is not a queue of resources`, {
      hint: `declare it: resources: { '${t.queue}': { type: 'queue' } }`,
    });
  if (q.visibilityTimeoutSeconds < fn.timeout)
    throw new UserError(
      `${at}: queue ${t.queue} has a visibility timeout of ${q.visibilityTimeoutSeconds}s, shorter than ${fn.key}'s timeout of ${fn.timeout}s`,
      {
        hint: `set resources.${t.queue}.visibilityTimeout to at least ${VISIBILITY_FACTOR * fn.timeout} (${VISIBILITY_FACTOR}× the timeout, as AWS advises)`,
      },
    );
  if (q.fifo && t.batchSize > 10) throw new UserError(`${at}: batchSize ${t.batchSize} for FIFO queue ${t.queue}: Lambda takes at most 10`);
  return q;
}

/** The role's grants to poll the queues of a function's SQS triggers and read the streams of its dynamodb triggers. */
export function eventSourceStatements(fleet: Fleet, fn: FunctionSpec, accountId: string): PolicyStatement[] {
  return [...queueStatements(fleet, fn, accountId), ...streamStatements(fleet, fn, accountId)];
}

/** Receive and delete on exactly the SQS triggers' queues (and decrypt a KMS-encrypted one). */
function queueStatements(fleet: Fleet, fn: FunctionSpec, accountId: string): PolicyStatement[] {
  const queues = fn.triggers
    .filter(isSqs)
    .flatMap((t) => fleet.resources.filter((r): r is QueueSpec => r.type === 'queue' && r.key === t.queue));
  if (!queues.length) return [];
  const arns = [...new Set(queues.map((q) => queueArn(fleet.region, accountId, q.physicalName)))];
  const keys = [...new Set(queues.flatMap((q) => (q.encryption === 'kms' && q.kmsKeyArn ? [q.kmsKeyArn] : [])))];
  return [
    {
      Sid: 'OpsSqsTriggers',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      Resource: arns.length === 1 ? arns[0] : arns,
    },
    ...(keys.length ? [{ Sid: 'OpsSqsTriggersKms', Effect: 'Allow' as const, Action: ['kms:Decrypt'], Resource: keys }] : []),
  ];
}

const settingsOf = (t: SqsTriggerSpec): QueueMappingSettings => ({
  batchSize: t.batchSize,
  batchWindowSeconds: t.batchWindowSeconds,
  ...(t.maxConcurrency ? { maxConcurrency: t.maxConcurrency } : {}),
  reportBatchItemFailures: t.reportBatchItemFailures,
});

const FIELD_TEXT: Record<keyof QueueMappingSettings, [string, (s: QueueMappingSettings) => string]> = {
  batchSize: ['batchSize', (s) => String(s.batchSize)],
  batchWindowSeconds: ['batchWindow', (s) => `${s.batchWindowSeconds}s`],
  maxConcurrency: ['maxConcurrency', (s) => (s.maxConcurrency ? String(s.maxConcurrency) : '(default)')],
  reportBatchItemFailures: ['reportBatchItemFailures', (s) => String(s.reportBatchItemFailures)],
};

const settingFields = (
  from: QueueMappingSettings | undefined,
  to: QueueMappingSettings,
  which: (keyof QueueMappingSettings)[],
): FieldDiff[] =>
  which.map((k) => ({ field: FIELD_TEXT[k][0], ...(from ? { from: FIELD_TEXT[k][1](from) } : {}), to: FIELD_TEXT[k][1](to) }));

function planFunctionMappings(ctx: PlanContext, fn: FunctionSpec): EventSourceChange[] {
  const out: EventSourceChange[] = [];
  const mappings = ctx.actual.queues?.mappings ?? [];
  for (const t of fn.triggers.filter(isSqs)) {
    const q = triggerQueue(ctx.fleet, fn, t);
    if (q.visibilityTimeoutSeconds < VISIBILITY_FACTOR * fn.timeout)
      ctx.warnings.push(
        `${fn.key}: queue ${t.queue}'s visibility timeout (${q.visibilityTimeoutSeconds}s) is under ${VISIBILITY_FACTOR}× the function's timeout (${fn.timeout}s): a batch being retried may be received twice`,
      );
    const arn = queueArn(ctx.region, ctx.accountId, q.physicalName);
    const want = settingsOf(t);
    const have = mappings.find((m) => m.queueArn === arn && m.functionName === fn.name);
    const resource = { type: 'sqs event source', name: `${q.physicalName} → ${fn.name}:live` };
    if (!have) {
      out.push({
        kind: 'eventsource.create',
        id: changeId('eventsource.create', `${q.physicalName}:${fn.name}`),
        action: 'create',
        fn: fn.key,
        resource,
        summary: `create the event source ${q.physicalName} → ${fn.name}:live (batch ${want.batchSize}, window ${want.batchWindowSeconds}s)`,
        fields: settingFields(undefined, want, ['batchSize', 'batchWindowSeconds', 'maxConcurrency', 'reportBatchItemFailures']),
        // Lambda checks at creation that the role may receive from the queue, and that `live` exists.
        dependsOn: [
          ...['queue.create', 'queue.adopt'].map((k) => changeId(k, q.physicalName)),
          ...['role.create', 'role.update'].map((k) => changeId(k, fn.roleName)),
          changeId('function.create', fn.name),
          changeId('alias.publish', fn.name),
        ],
        queueArn: arn,
        functionName: fn.name,
        settings: want,
      });
      continue;
    }
    const which = mappingDiffs(want, have);
    if (!which.length) continue;
    const fields = settingFields(have, want, which);
    out.push({
      kind: 'eventsource.update',
      id: changeId('eventsource.update', `${q.physicalName}:${fn.name}`),
      action: 'update',
      fn: fn.key,
      resource,
      summary: `update the event source ${q.physicalName} → ${fn.name}:live: ${fieldsSummary(fields)}`,
      fields,
      dependsOn: [],
      uuid: have.uuid,
      settings: want,
    });
  }
  return out;
}

/**
 * SQS → function event source mappings (`triggers: [{ sqs: '<queue key>' }]`): created on `live`, updated in
 * place; a mapping from a stage's queue to a stage's function that no desired trigger wants is deleted.
 */
export function planEventSources(ctx: PlanContext): EventSourceChange[] {
  const out = [...ctx.deploy.flatMap((fn) => planFunctionMappings(ctx, fn)), ...planStreamMappings(ctx)];
  const wanted = new Set(
    ctx.desired.flatMap((fn) =>
      fn.triggers.filter(isSqs).flatMap((t) => {
        const q = ctx.fleet.resources.find((r) => r.type === 'queue' && r.key === t.queue);
        return q ? [`${queueArn(ctx.region, ctx.accountId, q.physicalName)}\0${fn.name}`] : [];
      }),
    ),
  );
  for (const m of ctx.actual.queues?.mappings ?? []) {
    if (wanted.has(`${m.queueArn}\0${m.functionName}`) || !ctx.actual.functions[m.functionName] || !inScope(ctx, m.functionName)) continue;
    const queueName = m.queueArn.slice(m.queueArn.lastIndexOf(':') + 1);
    out.push({
      kind: 'eventsource.delete',
      id: changeId('eventsource.delete', m.uuid),
      action: 'delete',
      fn: keyOfName(ctx, m.functionName),
      resource: { type: 'sqs event source', name: `${queueName} → ${m.functionName}` },
      summary: `delete the event source ${queueName} → ${m.functionName}`,
      fields: [],
      dependsOn: [],
      uuid: m.uuid,
      queueArn: m.queueArn,
    });
  }
  return out;
}
