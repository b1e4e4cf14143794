import { ownershipTags, REMOVAL_TAG, RESOURCE_KEY_TAG, resourceEnvName, resourceName } from './naming.js';
import { fillName } from './resolve-kept-name.js';
import type { ParsedResource } from './resource-schema.js';
import type {
  BucketSpec,
  KeySpec,
  QueueSpec,
  ResourceSpec,
  ResourceUse,
  SecretSpec,
  TableIndexSpec,
  TableSpec,
  TopicSpec,
} from './resources.js';
import type { ParsedFleet, ParsedFunction } from './schema.js';

/* The config's `resources` and a function's `uses`, resolved for a stage: defaults filled in, names and tags made. */

/** SQS's own defaults, written out so the plan compares against what AWS reports for a queue made without them. */
export const QUEUE_DEFAULTS = { visibilityTimeoutSeconds: 30, retentionSeconds: 345_600 };

const KEY_TYPES = { string: 'S', number: 'N', binary: 'B' } as const;
const STREAMS = {
  'new-and-old-images': 'NEW_AND_OLD_IMAGES',
  'new-image': 'NEW_IMAGE',
  'old-image': 'OLD_IMAGE',
  'keys-only': 'KEYS_ONLY',
} as const;

type TableConfig = Extract<ParsedResource, { type: 'table' }>;
type KeyConfig = TableConfig['partitionKey'];

/** Every declared resource of the fleet, sorted by key. */
export function resolveResources(cfg: ParsedFleet, stage: string): ResourceSpec[] {
  return Object.entries(cfg.resources ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, r]) => resolveResource(cfg, stage, key, r));
}

function resolveResource(cfg: ParsedFleet, stage: string, key: string, r: ParsedResource): ResourceSpec {
  const base = {
    key,
    physicalName: physicalNameOf(cfg.app, stage, key, r),
    removal: r.removal ?? 'retain',
    adopt: r.adopt ?? false,
    tags: resourceTags(cfg, stage, key, r.removal ?? 'retain'),
  };
  switch (r.type) {
    case 'table':
      return resolveTable(base, r);
    case 'bucket':
      return resolveBucket(base, r);
    case 'queue':
      return resolveQueue(base, r);
    case 'topic':
      return resolveTopic(base, r);
    case 'secret':
      return resolveSecret(base, r);
  }
}

type Base = Pick<ResourceSpec, 'key' | 'physicalName' | 'removal' | 'adopt' | 'tags'>;

const isFifo = (r: ParsedResource) => (r.type === 'queue' || r.type === 'topic') && (r.fifo ?? false);

/** The `name` given (with `.fifo` added for a FIFO queue or topic when it lacks it), else `{app}-{stage}-{key}`. */
/**
 * A resource's physical name from its raw `name` (validated or not): the kept name for the stage (`.fifo` added when
 * a FIFO one lacks it), else `{app}-{stage}-{key}`, also for a stage a name by stage does not list.
 */
export function resourcePhysicalName(app: string, stage: string, key: string, name: unknown, fifo: boolean): string {
  const template =
    typeof name === 'string' ? name : typeof name === 'object' && name !== null ? (name as Record<string, unknown>)[stage] : undefined;
  if (typeof template !== 'string') return resourceName(app, stage, key, { fifo });
  const kept = fillName(template, app, stage);
  return fifo && !kept.endsWith('.fifo') ? `${kept}.fifo` : kept;
}

export function physicalNameOf(app: string, stage: string, key: string, r: ParsedResource): string {
  return resourcePhysicalName(app, stage, key, r.name, isFifo(r));
}

/** The fleet's tags, the ownership tags and the key; `ops:removal` when the config allows deleting it. */
function resourceTags(cfg: ParsedFleet, stage: string, key: string, removal: 'retain' | 'destroy'): Record<string, string> {
  const tags: Record<string, string> = {
    ...cfg.tags,
    ...ownershipTags(cfg.app, stage),
    [RESOURCE_KEY_TAG]: key,
    ...(removal === 'destroy' ? { [REMOVAL_TAG]: 'destroy' } : {}),
  };
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `'id'` is a string attribute; the object form names its type. */
export const keySpec = (k: KeyConfig): KeySpec =>
  typeof k === 'string' ? { name: k, type: 'S' } : { name: k.name, type: KEY_TYPES[k.type] };

function resolveTable(base: Base, r: TableConfig): TableSpec {
  const indexes = Object.entries(r.indexes ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(
      ([name, i]): TableIndexSpec => ({
        name,
        partitionKey: keySpec(i.partitionKey),
        ...(i.sortKey !== undefined ? { sortKey: keySpec(i.sortKey) } : {}),
        projection: Array.isArray(i.projection) ? i.projection : i.projection === 'keys-only' ? 'KEYS_ONLY' : 'ALL',
      }),
    );
  return {
    ...base,
    type: 'table',
    partitionKey: keySpec(r.partitionKey),
    ...(r.sortKey !== undefined ? { sortKey: keySpec(r.sortKey) } : {}),
    billing: r.capacity ? 'PROVISIONED' : 'PAY_PER_REQUEST',
    ...(r.capacity ? { capacity: { read: r.capacity.read, write: r.capacity.write } } : {}),
    indexes,
    ...(r.ttl !== undefined ? { ttlAttribute: r.ttl } : {}),
    ...(r.stream !== undefined ? { stream: STREAMS[r.stream] } : {}),
    pointInTimeRecovery: r.pointInTimeRecovery ?? false,
    deletionProtection: r.deletionProtection ?? false,
  };
}

function resolveBucket(base: Base, r: Extract<ParsedResource, { type: 'bucket' }>): BucketSpec {
  return {
    ...base,
    type: 'bucket',
    versioning: r.versioning ?? false,
    encryption: r.encryption === 'kms' || r.kmsKeyArn ? 'aws:kms' : 'AES256',
    ...(r.kmsKeyArn ? { kmsKeyArn: r.kmsKeyArn } : {}),
    lifecycle: (r.lifecycle ?? []).map((l, i) => ({
      id: l.id ?? `rule-${i + 1}`,
      // An empty prefix is every object, as no prefix: S3 gives it back as '' or not at all, so it is not kept.
      ...(l.prefix ? { prefix: l.prefix } : {}),
      ...(l.expirationDays !== undefined ? { expirationDays: l.expirationDays } : {}),
      ...(l.noncurrentExpirationDays !== undefined ? { noncurrentExpirationDays: l.noncurrentExpirationDays } : {}),
      ...(l.abortIncompleteUploadDays !== undefined ? { abortIncompleteUploadDays: l.abortIncompleteUploadDays } : {}),
    })),
    blockPublicAccess: r.blockPublicAccess ?? true,
    cors: (r.cors ?? []).map((c) => ({
      allowedOrigins: c.allowOrigins,
      allowedMethods: c.allowMethods,
      ...(c.allowHeaders ? { allowedHeaders: c.allowHeaders } : {}),
      ...(c.exposeHeaders ? { exposeHeaders: c.exposeHeaders } : {}),
      ...(c.maxAge !== undefined ? { maxAgeSeconds: c.maxAge } : {}),
    })),
  };
}

function resolveQueue(base: Base, r: Extract<ParsedResource, { type: 'queue' }>): QueueSpec {
  return {
    ...base,
    type: 'queue',
    fifo: r.fifo ?? false,
    contentBasedDeduplication: r.contentBasedDeduplication ?? false,
    visibilityTimeoutSeconds: r.visibilityTimeout ?? QUEUE_DEFAULTS.visibilityTimeoutSeconds,
    retentionSeconds: r.retention ?? QUEUE_DEFAULTS.retentionSeconds,
    ...(r.deadLetter ? { deadLetter: { queue: r.deadLetter.queue, maxReceiveCount: r.deadLetter.maxReceiveCount } } : {}),
    encryption: r.encryption ?? (r.kmsKeyArn ? 'kms' : 'sqs'),
    ...(r.kmsKeyArn ? { kmsKeyArn: r.kmsKeyArn } : {}),
  };
}

function resolveTopic(base: Base, r: Extract<ParsedResource, { type: 'topic' }>): TopicSpec {
  return {
    ...base,
    type: 'topic',
    fifo: r.fifo ?? false,
    contentBasedDeduplication: r.contentBasedDeduplication ?? false,
    subscriptions: (r.subscriptions ?? []).map((s) => ({
      protocol: s.protocol,
      endpoint: s.endpoint,
      ...(s.filterPolicy ? { filterPolicy: JSON.stringify(s.filterPolicy) } : {}),
    })),
  };
}

function resolveSecret(base: Base, r: Extract<ParsedResource, { type: 'secret' }>): SecretSpec {
  return {
    ...base,
    type: 'secret',
    ...(r.description !== undefined ? { description: r.description } : {}),
    ...(r.kmsKeyArn ? { kmsKeyArn: r.kmsKeyArn } : {}),
  };
}

/** A function's `uses`, sorted by resource key; each with its type and variable (validation has checked both exist and fit). */
export function resolveUses(cfg: ParsedFleet, fn: ParsedFunction): ResourceUse[] {
  const declared = cfg.resources ?? {};
  return Object.entries(fn.uses ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([key, access]) => {
      const r = declared[key];
      if (!r) return [];
      return [{ resource: key, type: r.type, access, env: resourceEnvName(key, r.type) }];
    });
}
