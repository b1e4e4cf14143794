import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { LIVE_ALIAS, tableOfStreamArn } from '../config/naming.js';
import type { ActualQueueMapping, QueueMappingSettings } from '../model/queue.js';
import type { ActualStreamMapping, StreamMappingSettings } from '../model/stream-mapping.js';
import type { Aws } from './clients.js';
import { isConflict, orNotFound } from './errors.js';
import { read, withConflictRetry, withRolePropagationRetry } from './retry.js';

/** SQS and DynamoDB stream event source mappings to a function's `live` alias: list by source, create, update, delete. */

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

/** Lambda reports patterns as sent; keys sorted here so `{b,a}` and `{a,b}` compare equal. */
function sortedPattern(text: string | undefined): string {
  try {
    const sort = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sort)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v as Record<string, unknown>)
                .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
                .map(([k, x]) => [k, sort(x)]),
            )
          : v;
    return JSON.stringify(sort(JSON.parse(text ?? '')));
  } catch {
    return text ?? '';
  }
}

export function toStreamMapping(m: EventSourceMappingConfiguration): ActualStreamMapping {
  const onFailure = m.DestinationConfig?.OnFailure?.Destination;
  return {
    uuid: m.UUID ?? '',
    streamArn: m.EventSourceArn ?? '',
    table: tableOfStreamArn(m.EventSourceArn ?? ''),
    functionName: functionNameOfArn(m.FunctionArn ?? ''),
    state: m.State ?? '',
    startingPosition: m.StartingPosition === 'TRIM_HORIZON' ? 'TRIM_HORIZON' : 'LATEST',
    batchSize: m.BatchSize ?? 100,
    batchWindowSeconds: m.MaximumBatchingWindowInSeconds ?? 0,
    filters: (m.FilterCriteria?.Filters ?? []).map((f) => sortedPattern(f.Pattern)),
    bisectOnError: m.BisectBatchOnFunctionError ?? false,
    retryAttempts: m.MaximumRetryAttempts ?? -1,
    maxRecordAgeSeconds: m.MaximumRecordAgeInSeconds ?? -1,
    ...(onFailure ? { onFailure } : {}),
  };
}

/** Every mapping whose source is the stream. */
export async function listStreamMappings(aws: Aws, streamArn: string): Promise<ActualStreamMapping[]> {
  const lambda = await aws.lambda();
  const out: ActualStreamMapping[] = [];
  let Marker: string | undefined;
  do {
    const page = await read(aws, () => lambda.listEventSourceMappings({ EventSourceArn: streamArn, ...(Marker ? { Marker } : {}) }));
    out.push(...(page.EventSourceMappings ?? []).map(toStreamMapping));
    Marker = page.NextMarker;
  } while (Marker);
  return out;
}

/** Every setting but the starting position (Lambda takes it only on create); empty values clear. */
const streamInput = (s: StreamMappingSettings) => ({
  BatchSize: s.batchSize,
  MaximumBatchingWindowInSeconds: s.batchWindowSeconds,
  // An empty FilterCriteria removes the filters (as the CLI's `--filter-criteria '{}'`).
  FilterCriteria: s.filters.length ? { Filters: s.filters.map((Pattern) => ({ Pattern })) } : {},
  BisectBatchOnFunctionError: s.bisectOnError,
  MaximumRetryAttempts: s.retryAttempts,
  MaximumRecordAgeInSeconds: s.maxRecordAgeSeconds,
  // An empty OnFailure removes the destination.
  DestinationConfig: { OnFailure: s.onFailure ? { Destination: s.onFailure } : {} },
});

/** The table's current stream: known only once the table (and its stream) exists, so read when the mapping is made. */
async function latestStreamArn(aws: Aws, table: string): Promise<string> {
  const db = await aws.dynamodb();
  const t = (await read(aws, () => db.describeTable({ TableName: table }))).Table;
  if (!t?.LatestStreamArn || !t.StreamSpecification?.StreamEnabled) throw new Error(`table ${table} has no stream on`);
  return t.LatestStreamArn;
}

/**
 * CreateEventSourceMapping from the table's stream to `live`. A resend after a lost answer meets the mapping it
 * made (ResourceConflictException): found by stream and function, and brought to the settings.
 */
export async function createStreamMapping(aws: Aws, table: string, functionName: string, s: StreamMappingSettings): Promise<string> {
  const lambda = await aws.lambda();
  const streamArn = await latestStreamArn(aws, table);
  const input = streamInput(s);
  try {
    // Lambda checks at once that the role may read the stream: a grant just added is waited for.
    const made = await withRolePropagationRetry(
      () =>
        aws.write(() =>
          lambda.createEventSourceMapping({
            EventSourceArn: streamArn,
            FunctionName: `${functionName}:${LIVE_ALIAS}`,
            Enabled: true,
            StartingPosition: s.startingPosition,
            ...input,
            ...(s.filters.length ? {} : { FilterCriteria: undefined }),
            ...(s.onFailure ? {} : { DestinationConfig: undefined }),
          }),
        ),
      undefined,
      aws.retry,
    );
    return made.UUID ?? '';
  } catch (error) {
    if (!isConflict(error)) throw error;
    const there = (await listStreamMappings(aws, streamArn)).find((m) => m.functionName === functionName);
    if (!there) throw error;
    await updateStreamMapping(aws, there.uuid, s);
    return there.uuid;
  }
}

/** UpdateEventSourceMapping with every managed setting but the starting position. */
export async function updateStreamMapping(aws: Aws, uuid: string, s: StreamMappingSettings): Promise<void> {
  const lambda = await aws.lambda();
  await withConflictRetry(() => aws.write(() => lambda.updateEventSourceMapping({ UUID: uuid, ...streamInput(s) })), undefined, aws.retry);
}
