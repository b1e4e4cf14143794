import { queueArn, tableStreamsArn, topicArn } from '../../config/naming.js';
import type { TableSpec } from '../../config/resources.js';
import type { DynamoTriggerSpec, Fleet, FunctionSpec } from '../../config/types.js';
import { UserError } from '../../errors.js';
import type { PolicyStatement } from '../../model/actual.js';
import { type StreamMappingSettings, streamMappingDiffs } from '../../model/stream-mapping.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, inScope, keyOfName, type PlanContext } from '../../plan/context.js';
import { fieldsSummary } from '../../plan/fields.js';

/* DynamoDB stream → function event source mappings: the SQS mappings' sibling in the same kind (plan.ts). */

export type StreamChange =
  /** CreateEventSourceMapping from the table's stream (its ARN read when applied) to `live`. */
  | (ChangeBase & { kind: 'eventsource.create'; table: string; functionName: string; stream: StreamMappingSettings })
  | (ChangeBase & { kind: 'eventsource.update'; uuid: string; stream: StreamMappingSettings })
  | (ChangeBase & { kind: 'eventsource.delete'; uuid: string; streamArn: string });

export const isDynamo = (t: FunctionSpec['triggers'][number]): t is DynamoTriggerSpec => t.kind === 'dynamodb';

const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];

/** The table a dynamodb trigger names; one that is no table of `resources`, or has no stream, is one line. */
export function triggerTable(fleet: Fleet, fn: FunctionSpec, t: DynamoTriggerSpec): TableSpec {
  const at = `functions.${fn.key}.triggers`;
  const table = fleet.resources.find((r): r is TableSpec => r.type === 'table' && r.key === t.table);
  if (!table)
    throw new UserError(`${at}: dynamodb '${t.table}' is not a table of resources`, {
      hint: `declare it: resources: { '${t.table}': { type: 'table', ..., stream: 'new-image' } }`,
    });
  if (!table.stream)
    throw new UserError(`${at}: table ${t.table} has no stream for the dynamodb trigger to read`, {
      hint: `set resources.${t.table}.stream to 'new-image', 'old-image', 'new-and-old-images' or 'keys-only'`,
    });
  return table;
}

/** An on-failure destination: a queue or topic key of `resources` as its ARN, an ARN as it is. */
export function onFailureArn(fleet: Fleet, fn: FunctionSpec, ref: string, accountId: string): string {
  if (ref.includes(':')) return ref;
  const r = fleet.resources.find((x) => x.key === ref && (x.type === 'queue' || x.type === 'topic'));
  if (!r)
    throw new UserError(`functions.${fn.key}.triggers: onFailure '${ref}' is not a queue or topic of resources`, {
      hint: `declare it (resources: { '${ref}': { type: 'queue' } }) or give an SQS queue or SNS topic ARN`,
    });
  return r.type === 'queue' ? queueArn(fleet.region, accountId, r.physicalName) : topicArn(fleet.region, accountId, r.physicalName);
}

/** The role's grants to read the streams of a function's dynamodb triggers, and to send to their on-failure destinations. */
export function streamStatements(fleet: Fleet, fn: FunctionSpec, accountId: string): PolicyStatement[] {
  const triggers = fn.triggers.filter(isDynamo);
  if (!triggers.length) return [];
  const streams = [...new Set(triggers.map((t) => tableStreamsArn(fleet.region, accountId, triggerTable(fleet, fn, t).physicalName)))];
  const one = (arns: string[]) => (arns.length === 1 ? arns[0] : arns);
  const out: PolicyStatement[] = [{ Sid: 'OpsDynamodbStreams', Effect: 'Allow', Action: STREAM_ACTIONS, Resource: one(streams) }];
  const destinations = [...new Set(triggers.flatMap((t) => (t.onFailure ? [onFailureArn(fleet, fn, t.onFailure, accountId)] : [])))];
  const queues = destinations.filter((d) => d.split(':')[2] === 'sqs');
  const topics = destinations.filter((d) => d.split(':')[2] === 'sns');
  if (queues.length)
    out.push({ Sid: 'OpsDynamodbStreamsOnFailureSqs', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: one(queues) });
  if (topics.length) out.push({ Sid: 'OpsDynamodbStreamsOnFailureSns', Effect: 'Allow', Action: ['sns:Publish'], Resource: one(topics) });
  return out;
}

function settingsOf(fleet: Fleet, fn: FunctionSpec, t: DynamoTriggerSpec, accountId: string): StreamMappingSettings {
  return {
    startingPosition: t.startingPosition,
    batchSize: t.batchSize,
    batchWindowSeconds: t.batchWindowSeconds,
    filters: t.filters,
    bisectOnError: t.bisectOnError,
    retryAttempts: t.retryAttempts,
    maxRecordAgeSeconds: t.maxRecordAgeSeconds,
    ...(t.onFailure ? { onFailure: onFailureArn(fleet, fn, t.onFailure, accountId) } : {}),
  };
}

const unlimited = (n: number, unit = '') => (n === -1 ? 'unlimited' : `${n}${unit}`);
const FIELD_TEXT: Record<keyof StreamMappingSettings, [string, (s: StreamMappingSettings) => string]> = {
  startingPosition: ['startingPosition', (s) => s.startingPosition],
  batchSize: ['batchSize', (s) => String(s.batchSize)],
  batchWindowSeconds: ['batchWindow', (s) => `${s.batchWindowSeconds}s`],
  filters: ['filters', (s) => (s.filters.length ? s.filters.join(' | ') : '(none)')],
  bisectOnError: ['bisectOnError', (s) => String(s.bisectOnError)],
  retryAttempts: ['retryAttempts', (s) => unlimited(s.retryAttempts)],
  maxRecordAgeSeconds: ['maxRecordAge', (s) => unlimited(s.maxRecordAgeSeconds, 's')],
  onFailure: ['onFailure', (s) => s.onFailure ?? '(none)'],
};

const settingFields = (from: StreamMappingSettings | undefined, to: StreamMappingSettings, which: (keyof StreamMappingSettings)[]) =>
  which.map((k): FieldDiff => ({ field: FIELD_TEXT[k][0], ...(from ? { from: FIELD_TEXT[k][1](from) } : {}), to: FIELD_TEXT[k][1](to) }));

function planTrigger(ctx: PlanContext, fn: FunctionSpec, t: DynamoTriggerSpec, replaced: Set<string>): StreamChange[] {
  const table = triggerTable(ctx.fleet, fn, t);
  const want = settingsOf(ctx.fleet, fn, t, ctx.accountId);
  const current = ctx.actual.tables?.[table.physicalName]?.streamArn;
  // A mapping on a stream the table no longer has (its stream turned off and on) is pruned, and a new one made.
  const have = (ctx.actual.streamMappings ?? []).find(
    (m) => m.table === table.physicalName && m.functionName === fn.name && (!current || m.streamArn === current),
  );
  const resource = { type: 'dynamodb event source', name: `${table.physicalName} → ${fn.name}:live` };
  const which = have ? streamMappingDiffs(want, have) : [];
  if (have && !which.length) return [];
  const base = { fn: fn.key, resource };
  if (have && !which.includes('startingPosition')) {
    const fields = settingFields(have, want, which);
    const summary = `update the event source ${table.physicalName} → ${fn.name}:live: ${fieldsSummary(fields)}`;
    const id = changeId('eventsource.update', `${table.physicalName}:${fn.name}`);
    return [{ ...base, kind: 'eventsource.update', id, action: 'update', summary, fields, dependsOn: [], uuid: have.uuid, stream: want }];
  }
  // Lambda takes the starting position only on create: a new one replaces the mapping.
  const out: StreamChange[] = [];
  if (have) {
    replaced.add(have.uuid);
    out.push({
      ...base,
      kind: 'eventsource.delete',
      id: changeId('eventsource.delete', have.uuid),
      action: 'delete',
      summary: `delete the event source ${table.physicalName} → ${fn.name}:live (its starting position changes)`,
      fields: [],
      dependsOn: [],
      uuid: have.uuid,
      streamArn: have.streamArn,
    });
  }
  const destination = want.onFailure?.split(':')[5];
  out.push({
    ...base,
    kind: 'eventsource.create',
    id: changeId('eventsource.create', `${table.physicalName}:${fn.name}`),
    action: 'create',
    summary: `create the event source ${table.physicalName} → ${fn.name}:live (${want.startingPosition}, batch ${want.batchSize})`,
    fields: settingFields(
      have,
      want,
      have ? which : ['startingPosition', 'batchSize', 'batchWindowSeconds', 'filters', 'bisectOnError', 'onFailure'],
    ),
    // Lambda checks at creation that the stream exists, that the role may read it and that `live` exists.
    dependsOn: [
      ...['table.create', 'table.update', 'table.adopt', 'table.replace'].map((k) => changeId(k, table.physicalName)),
      ...(destination ? ['queue.create', 'topic.create'].map((k) => changeId(k, destination)) : []),
      ...['role.create', 'role.update'].map((k) => changeId(k, fn.roleName)),
      changeId('function.create', fn.name),
      changeId('alias.publish', fn.name),
      ...(have ? [changeId('eventsource.delete', have.uuid)] : []),
    ],
    table: table.physicalName,
    functionName: fn.name,
    stream: want,
  });
  return out;
}

/**
 * DynamoDB stream → function mappings (`triggers: [{ dynamodb: '<table key>' }]`): created on `live`, updated
 * in place (a new starting position replaces one); a mapping from a stage's table to a stage's function that no
 * desired trigger wants is deleted.
 */
export function planStreamMappings(ctx: PlanContext): StreamChange[] {
  const replaced = new Set<string>();
  const out = ctx.deploy.flatMap((fn) => fn.triggers.filter(isDynamo).flatMap((t) => planTrigger(ctx, fn, t, replaced)));
  const wanted = new Set(
    ctx.desired.flatMap((fn) =>
      fn.triggers.filter(isDynamo).flatMap((t) => {
        const table = ctx.fleet.resources.find((r) => r.type === 'table' && r.key === t.table);
        return table ? [`${table.physicalName}\0${fn.name}`] : [];
      }),
    ),
  );
  for (const m of ctx.actual.streamMappings ?? []) {
    const current = ctx.actual.tables?.[m.table]?.streamArn;
    const live = wanted.has(`${m.table}\0${m.functionName}`) && (!current || m.streamArn === current);
    if (live || replaced.has(m.uuid) || !ctx.actual.functions[m.functionName] || !inScope(ctx, m.functionName)) continue;
    out.push({
      kind: 'eventsource.delete',
      id: changeId('eventsource.delete', m.uuid),
      action: 'delete',
      fn: keyOfName(ctx, m.functionName),
      resource: { type: 'dynamodb event source', name: `${m.table} → ${m.functionName}` },
      summary: `delete the event source ${m.table} → ${m.functionName}`,
      fields: [],
      dependsOn: [],
      uuid: m.uuid,
      streamArn: m.streamArn,
    });
  }
  return out;
}
