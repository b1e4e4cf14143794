import type {
  AttributeDefinition,
  GlobalSecondaryIndex,
  GlobalSecondaryIndexDescription,
  KeySchemaElement,
  Projection,
  TableDescription,
  UpdateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { foreignEntry, notOwnedReason, RESOURCE_KEY_TAG } from '../config/naming.js';
import type { KeySpec, TableIndexSpec, TableSpec } from '../config/resources.js';
import { UserError } from '../errors.js';
import type { Actual, ReadScope } from '../model/actual.js';
import type { ActualTable, ActualTableIndex } from '../model/table.js';
import type { Aws } from './clients.js';
import { nameOf, orNotFound } from './errors.js';
import { allPages, mapLimit } from './pool.js';
import { read, withRetry } from './retry.js';

/**
 * The fleet's DynamoDB tables: read, create, update in place, tag, delete. Every writer is safe to run again:
 * a CreateTable whose answer was lost and that the SDK resent answers ResourceInUseException, and the table
 * is then read back (ours when tagged so).
 */

const TYPE = 'dynamodb table';

const keyOf = (schema: KeySchemaElement[] | undefined, role: 'HASH' | 'RANGE', defs: AttributeDefinition[] | undefined) => {
  const name = schema?.find((k) => k.KeyType === role)?.AttributeName;
  if (!name) return undefined;
  const type = defs?.find((d) => d.AttributeName === name)?.AttributeType ?? 'S';
  return { name, type: type as KeySpec['type'] };
};

const projectionOf = (p: Projection | undefined): ActualTableIndex['projection'] =>
  p?.ProjectionType === 'INCLUDE' ? [...(p.NonKeyAttributes ?? [])].sort() : p?.ProjectionType === 'KEYS_ONLY' ? 'KEYS_ONLY' : 'ALL';

function mapIndex(i: GlobalSecondaryIndexDescription, defs: AttributeDefinition[] | undefined, provisioned: boolean): ActualTableIndex {
  const sortKey = keyOf(i.KeySchema, 'RANGE', defs);
  const pt = i.ProvisionedThroughput;
  return {
    name: i.IndexName ?? '',
    partitionKey: keyOf(i.KeySchema, 'HASH', defs) ?? { name: '', type: 'S' },
    ...(sortKey ? { sortKey } : {}),
    projection: projectionOf(i.Projection),
    ...(provisioned ? { capacity: { read: pt?.ReadCapacityUnits ?? 0, write: pt?.WriteCapacityUnits ?? 0 } } : {}),
    status: i.IndexStatus ?? 'ACTIVE',
  };
}

/** DescribeTable's answer in the spec's shape; TTL, PITR and tags are filled by `readTable`. */
export function mapTable(t: TableDescription): ActualTable {
  const defs = t.AttributeDefinitions;
  const sortKey = keyOf(t.KeySchema, 'RANGE', defs);
  // A table created PROVISIONED before billing modes existed has no BillingModeSummary.
  const billing = t.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED';
  const pt = t.ProvisionedThroughput;
  return {
    name: t.TableName ?? '',
    arn: t.TableArn ?? '',
    status: t.TableStatus ?? 'ACTIVE',
    partitionKey: keyOf(t.KeySchema, 'HASH', defs) ?? { name: '', type: 'S' },
    ...(sortKey ? { sortKey } : {}),
    billing,
    ...(billing === 'PROVISIONED' ? { capacity: { read: pt?.ReadCapacityUnits ?? 0, write: pt?.WriteCapacityUnits ?? 0 } } : {}),
    indexes: (t.GlobalSecondaryIndexes ?? [])
      .map((i) => mapIndex(i, defs, billing === 'PROVISIONED'))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    ...(t.StreamSpecification?.StreamEnabled && t.StreamSpecification.StreamViewType
      ? { stream: t.StreamSpecification.StreamViewType, ...(t.LatestStreamArn ? { streamArn: t.LatestStreamArn } : {}) }
      : {}),
    pointInTimeRecovery: false,
    deletionProtection: t.DeletionProtectionEnabled ?? false,
    tags: {},
  };
}

async function describe(aws: Aws, name: string): Promise<TableDescription | undefined> {
  const db = await aws.dynamodb();
  return (await orNotFound(read(aws, () => db.describeTable({ TableName: name }))))?.Table;
}

async function tagsOf(aws: Aws, arn: string): Promise<Record<string, string>> {
  const db = await aws.dynamodb();
  const tags = await allPages(
    (NextToken) => read(aws, () => db.listTagsOfResource({ ResourceArn: arn, ...(NextToken ? { NextToken } : {}) })),
    (p) => p.Tags,
    (p) => p.NextToken,
  );
  return Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** TTL and PITR: asked only of tables the plan may change (ours, or ones the config adopts). */
async function settingsOf(aws: Aws, name: string): Promise<Pick<ActualTable, 'ttlAttribute' | 'pointInTimeRecovery'>> {
  const db = await aws.dynamodb();
  const [ttl, backups] = await Promise.all([
    read(aws, () => db.describeTimeToLive({ TableName: name })),
    read(aws, () => db.describeContinuousBackups({ TableName: name })),
  ]);
  const t = ttl.TimeToLiveDescription;
  const on = t?.TimeToLiveStatus === 'ENABLED' || t?.TimeToLiveStatus === 'ENABLING';
  const pitr = backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED';
  return { ...(on && t?.AttributeName ? { ttlAttribute: t.AttributeName } : {}), pointInTimeRecovery: pitr };
}

/** One table with its tags, TTL and PITR (`full: false`: without TTL and PITR); undefined when there is none. */
export async function readTable(aws: Aws, name: string, full = true): Promise<ActualTable | undefined> {
  const t = await describe(aws, name);
  if (!t) return undefined;
  const table = mapTable(t);
  table.tags = await tagsOf(aws, table.arn);
  return full ? { ...table, ...(await settingsOf(aws, name)) } : table;
}

/** Table names starting with `prefix` (ListTables has no filter: every page is read). */
export async function listTableNames(aws: Aws, prefix: string): Promise<string[]> {
  const db = await aws.dynamodb();
  const names = await allPages(
    (start) => read(aws, () => db.listTables({ ...(start ? { ExclusiveStartTableName: start } : {}) })),
    (p) => p.TableNames,
    (p) => p.LastEvaluatedTableName,
  );
  return names.filter((n) => n.startsWith(prefix));
}

export interface TablesRead {
  tables: Record<string, ActualTable>;
  unowned: Record<string, ActualTable>;
  foreign: Actual['foreign'];
}

/**
 * The stage's tables (by tags) among those named `{app}-{stage}-*` and those the config names. A declared name
 * held by a table without the stage's tags lands in `unowned` (the plan stops or adopts); other untagged
 * tables under the prefix are foreign. Nothing is asked when the config declares no table.
 */
export async function readTables(aws: Aws, scope: ReadScope, concurrency = 8): Promise<TablesRead> {
  const out: TablesRead = { tables: {}, unowned: {}, foreign: [] };
  const declared = (scope.resources ?? []).filter((r) => r.type === 'table').map((r) => r.physicalName);
  if (!declared.length) return out;
  // The tables the config names are read whole (a declared one always is, ours or not) while the listing runs:
  // the listing's round trip is no longer in front of their four reads, one after another.
  const declaredRead = mapLimit(declared, concurrency, async (name) => {
    const t = await readTable(aws, name, false);
    return t && { ...t, ...(await settingsOf(aws, name)) };
  });
  // Each name's share of it is observed here: a failed read must not become an unhandled rejection for the names
  // the loop below never reaches (it stops at the first failure, which it reports).
  const early = new Map(
    declared.map((name, i) => {
      const table = declaredRead.then((tables) => tables[i]);
      table.catch(() => {});
      return [name, table] as const;
    }),
  );
  const listed = await listTableNames(aws, `${scope.app}-${scope.stage}-`).catch(async (error) => {
    await Promise.allSettled(early.values());
    throw error;
  });
  const names = [...new Set([...listed, ...declared])].sort();
  await mapLimit(names, concurrency, async (name) => {
    const table = await (early.get(name) ?? readTable(aws, name, false));
    if (!table) return;
    const ours = !notOwnedReason(table.tags, scope.app, scope.stage) && table.tags[RESOURCE_KEY_TAG] !== undefined;
    if (ours || declared.includes(name)) {
      const full = early.has(name) ? table : { ...table, ...(await settingsOf(aws, name)) };
      (ours ? out.tables : out.unowned)[name] = full;
      return;
    }
    const f = foreignEntry(TYPE, name, table.tags, scope.app, scope.stage);
    if (f) out.foreign.push(f);
  });
  return out;
}

const keySchema = (pk: KeySpec, sk?: KeySpec): KeySchemaElement[] => [
  { AttributeName: pk.name, KeyType: 'HASH' },
  ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
];

/** Every attribute a key of the table or of one of `indexes` names, once (DynamoDB refuses unused definitions). */
export function attributeDefinitions(spec: Pick<TableSpec, 'partitionKey' | 'sortKey'>, indexes: TableIndexSpec[]): AttributeDefinition[] {
  const keys = [spec.partitionKey, spec.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])].filter(
    (k): k is KeySpec => k !== undefined,
  );
  const byName = new Map<string, KeySpec>();
  for (const k of keys) {
    const seen = byName.get(k.name);
    if (seen && seen.type !== k.type)
      throw new UserError(`attribute ${k.name} is a key of type ${seen.type} and ${k.type}`, { hint: 'give it one type' });
    byName.set(k.name, k);
  }
  return [...byName.values()].map((k) => ({ AttributeName: k.name, AttributeType: k.type }));
}

const projection = (p: TableIndexSpec['projection']): Projection =>
  Array.isArray(p) ? { ProjectionType: 'INCLUDE', NonKeyAttributes: p } : { ProjectionType: p };

/** ProvisionedThroughput for a provisioned table (its indexes get the same); nothing for on-demand. */
export const throughput = (spec: Pick<TableSpec, 'billing' | 'capacity'>) =>
  spec.billing === 'PROVISIONED' && spec.capacity
    ? { ProvisionedThroughput: { ReadCapacityUnits: spec.capacity.read, WriteCapacityUnits: spec.capacity.write } }
    : {};

/** An index as CreateTable and UpdateTable take it; a provisioned table's indexes get the table's capacity. */
export const indexInput = (i: TableIndexSpec, spec: Pick<TableSpec, 'billing' | 'capacity'>): GlobalSecondaryIndex => ({
  IndexName: i.name,
  KeySchema: keySchema(i.partitionKey, i.sortKey),
  Projection: projection(i.projection),
  ...throughput(spec),
});

const toTags = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export const isInUse = (e: unknown) => nameOf(e) === 'ResourceInUseException';

/**
 * Polls DescribeTable until the table and each of its indexes are ACTIVE (a GSI backfills for minutes on a large
 * table), bounded by the policy's readyTimeoutMs. AWS refuses the next UpdateTable while anything is not ACTIVE.
 */
export async function waitTableActive(aws: Aws, name: string): Promise<ActualTable> {
  const { sleep, now, readyPollMs, readyTimeoutMs } = aws.retry;
  const until = now() + readyTimeoutMs;
  for (let i = 0; ; i++) {
    const t = await describe(aws, name);
    const table = t && mapTable(t);
    if (table && table.status === 'ACTIVE' && table.indexes.every((x) => x.status === 'ACTIVE')) return table;
    if (now() > until) {
      throw new UserError(`table ${name} is not ACTIVE after ${Math.round(readyTimeoutMs / 1000)} s (${table?.status ?? 'not found'})`, {
        hint: 'run the command again once the table is ACTIVE',
      });
    }
    await sleep(readyPollMs[Math.min(i, readyPollMs.length - 1)]);
  }
}

/**
 * CreateTable with keys, attribute definitions, billing, indexes, stream, deletion protection and tags; then, once
 * ACTIVE, TTL and PITR (AWS takes neither in CreateTable). A table already there (a resent create whose first
 * answer was lost) is taken as made when its tags say it is this stage's, and refused otherwise.
 */
export async function createTable(aws: Aws, spec: TableSpec): Promise<ActualTable> {
  const db = await aws.dynamodb();
  try {
    await aws.write(() =>
      db.createTable({
        TableName: spec.physicalName,
        KeySchema: keySchema(spec.partitionKey, spec.sortKey),
        AttributeDefinitions: attributeDefinitions(spec, spec.indexes),
        BillingMode: spec.billing,
        ...throughput(spec),
        ...(spec.indexes.length ? { GlobalSecondaryIndexes: spec.indexes.map((i) => indexInput(i, spec)) } : {}),
        ...(spec.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } } : {}),
        DeletionProtectionEnabled: spec.deletionProtection,
        Tags: toTags(spec.tags),
      }),
    );
  } catch (error) {
    if (!isInUse(error)) throw error;
    const there = await readTable(aws, spec.physicalName, false);
    const app = spec.tags['ops:app'] ?? '';
    const stage = spec.tags['ops:stage'] ?? '';
    if (!there || notOwnedReason(there.tags, app, stage) || there.tags[RESOURCE_KEY_TAG] !== spec.key) {
      throw new UserError(`table ${spec.physicalName} exists, not managed by ops`, {
        hint: 'add `adopt: true` to its config to take it over (it is tagged, never recreated)',
      });
    }
  }
  await waitTableActive(aws, spec.physicalName);
  if (spec.ttlAttribute) await setTtl(aws, spec.physicalName, spec.ttlAttribute, true);
  if (spec.pointInTimeRecovery) await setPointInTimeRecovery(aws, spec.physicalName, true);
  return (await readTable(aws, spec.physicalName)) as ActualTable;
}

/** One UpdateTable, retried while the table or an index is still being changed, then waited out to ACTIVE. */
export async function updateTable(aws: Aws, name: string, input: Omit<UpdateTableCommandInput, 'TableName'>): Promise<void> {
  const db = await aws.dynamodb();
  await withRetry(() => aws.write(() => db.updateTable({ TableName: name, ...input })), {
    retryable: isInUse,
    delaysMs: aws.retry.conflictDelaysMs,
    policy: aws.retry,
  });
  await waitTableActive(aws, name);
}

/** UpdateTimeToLive: on for `attribute`, or off (AWS wants the attribute that was on). */
export async function setTtl(aws: Aws, name: string, attribute: string, enabled: boolean): Promise<void> {
  const db = await aws.dynamodb();
  await aws.write(() => db.updateTimeToLive({ TableName: name, TimeToLiveSpecification: { AttributeName: attribute, Enabled: enabled } }));
}

/** UpdateContinuousBackups; AWS answers ContinuousBackupsUnavailableException for a while after a create: waited out. */
export async function setPointInTimeRecovery(aws: Aws, name: string, enabled: boolean): Promise<void> {
  const db = await aws.dynamodb();
  await withRetry(
    () =>
      aws.write(() =>
        db.updateContinuousBackups({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: enabled } }),
      ),
    { retryable: (e) => nameOf(e) === 'ContinuousBackupsUnavailableException', delaysMs: aws.retry.conflictDelaysMs, policy: aws.retry },
  );
}

/** Adds or changes `add` (TagResource replaces a key's value) and removes `remove`. */
export async function retagTable(aws: Aws, arn: string, add: Record<string, string>, remove: string[]): Promise<void> {
  const db = await aws.dynamodb();
  // Only keys that go are untagged: a failure between two calls never leaves the table without its owner tags.
  if (remove.length) await aws.write(() => db.untagResource({ ResourceArn: arn, TagKeys: remove }));
  if (Object.keys(add).length) await aws.write(() => db.tagResource({ ResourceArn: arn, Tags: toTags(add) }));
}

/** DeleteTable once the table is ACTIVE; already gone is fine. Deletion protection makes AWS refuse: that error stands. */
export async function deleteTable(aws: Aws, name: string): Promise<void> {
  const db = await aws.dynamodb();
  await orNotFound(
    withRetry(() => aws.write(() => db.deleteTable({ TableName: name })), {
      retryable: isInUse,
      delaysMs: aws.retry.conflictDelaysMs,
      policy: aws.retry,
    }),
  );
}

/** Polls until DescribeTable says the table is gone (DELETING takes a while; a CreateTable of its name fails until then). */
export async function waitTableGone(aws: Aws, name: string): Promise<void> {
  const { sleep, now, readyPollMs, readyTimeoutMs } = aws.retry;
  const until = now() + readyTimeoutMs;
  for (let i = 0; await describe(aws, name); i++) {
    if (now() > until) throw new UserError(`table ${name} is still being deleted after ${Math.round(readyTimeoutMs / 1000)} s`);
    await sleep(readyPollMs[Math.min(i, readyPollMs.length - 1)]);
  }
}
