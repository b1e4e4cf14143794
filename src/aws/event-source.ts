import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { LIVE_ALIAS } from '../config/naming.js';
import type { ActualQueueMapping, QueueMappingSettings } from '../model/queue.js';
import type { Aws } from './clients.js';
import { isConflict, orNotFound } from './errors.js';
import { read, withConflictRetry, withRolePropagationRetry } from './retry.js';

/** SQS event source mappings to a function's `live` alias: list by queue, create, update, delete. */

/** `arn:aws:lambda:r:a:function:name[:qualifier]` → `name`. */
const functionNameOfArn = (arn: string) => arn.split(':')[6] ?? '';

export function toQueueMapping(m: EventSourceMappingConfiguration): ActualQueueMapping {
  return {
    uuid: m.UUID ?? '',
    queueArn: m.EventSourceArn ?? '',
    functionName: functionNameOfArn(m.FunctionArn ?? ''),
    state: m.State ?? '',
    batchSize: m.BatchSize ?? 10,
    batchWindowSeconds: m.MaximumBatchingWindowInSeconds ?? 0,
    ...(m.ScalingConfig?.MaximumConcurrency ? { maxConcurrency: m.ScalingConfig.MaximumConcurrency } : {}),
    reportBatchItemFailures: (m.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
  };
}

/** Every mapping whose source is the queue. */
export async function listQueueMappings(aws: Aws, queueArn: string): Promise<ActualQueueMapping[]> {
  const lambda = await aws.lambda();
  const out: ActualQueueMapping[] = [];
  let Marker: string | undefined;
  do {
    const page = await read(aws, () => lambda.listEventSourceMappings({ EventSourceArn: queueArn, ...(Marker ? { Marker } : {}) }));
    out.push(...(page.EventSourceMappings ?? []).map(toQueueMapping));
    Marker = page.NextMarker;
  } while (Marker);
  return out;
}

const settingsInput = (s: QueueMappingSettings) => ({
  BatchSize: s.batchSize,
  MaximumBatchingWindowInSeconds: s.batchWindowSeconds,
  // Lambda takes no "unset": an absent maxConcurrency is sent as nothing on create and cleared with {} on update.
  ScalingConfig: s.maxConcurrency ? { MaximumConcurrency: s.maxConcurrency } : {},
  FunctionResponseTypes: s.reportBatchItemFailures ? (['ReportBatchItemFailures'] as const) : [],
});

/**
 * CreateEventSourceMapping on `live`. A resend after a lost answer meets the mapping it made
 * (ResourceConflictException): the mapping is found by queue and function and brought to the settings.
 */
export async function createQueueMapping(aws: Aws, queueArn: string, functionName: string, s: QueueMappingSettings): Promise<string> {
  const lambda = await aws.lambda();
  try {
    const input = settingsInput(s);
    // Lambda checks at once that the role may receive from the queue: a grant just added is waited for.
    const made = await withRolePropagationRetry(
      () =>
        aws.write(() =>
          lambda.createEventSourceMapping({
            EventSourceArn: queueArn,
            FunctionName: `${functionName}:${LIVE_ALIAS}`,
            Enabled: true,
            BatchSize: input.BatchSize,
            MaximumBatchingWindowInSeconds: input.MaximumBatchingWindowInSeconds,
            ...(s.maxConcurrency ? { ScalingConfig: input.ScalingConfig } : {}),
            FunctionResponseTypes: [...input.FunctionResponseTypes],
          }),
        ),
      undefined,
      aws.retry,
    );
    return made.UUID ?? '';
  } catch (error) {
    if (!isConflict(error)) throw error;
    const there = (await listQueueMappings(aws, queueArn)).find((m) => m.functionName === functionName);
    if (!there) throw error;
    await updateQueueMapping(aws, there.uuid, s);
    return there.uuid;
  }
}

/** UpdateEventSourceMapping with every managed setting; a mapping still being created is waited for. */
export async function updateQueueMapping(aws: Aws, uuid: string, s: QueueMappingSettings): Promise<void> {
  const lambda = await aws.lambda();
  const input = settingsInput(s);
  await withConflictRetry(
    () =>
      aws.write(() => lambda.updateEventSourceMapping({ UUID: uuid, ...input, FunctionResponseTypes: [...input.FunctionResponseTypes] })),
    undefined,
    aws.retry,
  );
}

/** DeleteEventSourceMapping; one already gone is fine. */
export async function deleteQueueMapping(aws: Aws, uuid: string): Promise<void> {
  const lambda = await aws.lambda();
  await orNotFound(withConflictRetry(() => aws.write(() => lambda.deleteEventSourceMapping({ UUID: uuid })), undefined, aws.retry));
}
