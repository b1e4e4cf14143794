import * as z from 'zod';
import { keptNameSchema } from './kept-name.js';
import { count } from './limits.js';

/*
 * The `resources` section: the fleet's own tables, buckets, queues, topics and secrets, keyed by the
 * author's names (`alerts`), and the accesses a function's `uses` may ask for. Resolved into
 * ResourceSpec / ResourceUse (src/config/resources.ts) by src/config/resolve-resources.ts.
 */

/** A resource's key: what `uses` names; its physical name is `{app}-{stage}-{key}` unless it has a `name`. */
export const resourceKey = z
  .string()
  .min(1, 'a resource key must not be empty')
  .max(64, 'a resource key must be at most 64 characters')
  .regex(/^[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*$/, 'a resource key is letters, digits and single dashes, starting with a letter');

const common = {
  /**
   * The physical name on AWS, instead of `{app}-{stage}-{key}` (a FIFO queue's or topic's gets `.fifo` if it lacks it):
   * a kept name (src/config/kept-name.ts), so `{stage}` in it or one by stage; a plain string is that name, as before.
   */
  name: keptNameSchema.optional(),
  /** `retain` (default): kept when it leaves the config and on `ops destroy`; `destroy`: deleted by a confirmed run. */
  removal: z.enum(['retain', 'destroy'], { message: "removal is 'retain' (the default) or 'destroy'" }).optional(),
  /** Take over an existing resource of this name that ops did not create: tag it, never recreate it. */
  adopt: z.boolean().optional(),
};

const kmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/, 'must be a KMS key ARN (arn:aws:kms:region:account:key/id)');

/** `'id'` (a string attribute) or `{ name: 'createdAt', type: 'number' }`. */
const keyAttribute = z.union([
  z.string().min(1, 'a key attribute name must not be empty').max(255),
  z.strictObject({
    name: z.string().min(1).max(255),
    type: z.enum(['string', 'number', 'binary'], { message: "a key's type is 'string', 'number' or 'binary'" }),
  }),
]);

const index = z.strictObject({
  partitionKey: keyAttribute,
  sortKey: keyAttribute.optional(),
  /** `all` (default), `keys-only`, or the non-key attributes to copy into the index. */
  projection: z
    .union([z.enum(['all', 'keys-only']), z.array(z.string().min(1)).min(1).max(20)], {
      message: "projection is 'all', 'keys-only' or a list of attribute names",
    })
    .optional(),
});

const capacityUnits = (what: string) =>
  z.number().int(`${what} capacity is a whole number of units`).min(1, `${what} capacity is at least 1 unit`);

const table = z.strictObject({
  type: z.literal('table'),
  ...common,
  partitionKey: keyAttribute,
  sortKey: keyAttribute.optional(),
  /** Provisioned read and write units; without it the table is on-demand (PAY_PER_REQUEST). */
  capacity: z.strictObject({ read: capacityUnits('read'), write: capacityUnits('write') }).optional(),
  /** Global secondary indexes by name. */
  indexes: z
    .record(
      z
        .string()
        .min(3, 'an index name is 3-255 characters')
        .max(255, 'an index name is 3-255 characters')
        .regex(/^[A-Za-z0-9_.-]+$/, 'an index name is letters, digits, _ . and -'),
      index,
    )
    .refine((i) => Object.keys(i).length <= 20, { message: 'a table can have at most 20 global secondary indexes' })
    .optional(),
  /** The attribute holding each item's expiry time (epoch seconds). */
  ttl: z.string().min(1).max(255).optional(),
  /** What the table's stream carries; no stream without it. */
  stream: z
    .enum(['new-and-old-images', 'new-image', 'old-image', 'keys-only'], {
      message: "stream is 'new-and-old-images', 'new-image', 'old-image' or 'keys-only'",
    })
    .optional(),
  pointInTimeRecovery: z.boolean().optional(),
  deletionProtection: z.boolean().optional(),
});

const days = (what: string) => z.number().int(`${what} is a whole number of days`).min(1, `${what} is at least 1 day`);

const lifecycleRule = z
  .strictObject({
    /** Default `rule-{n}` (its position, from 1). */
    id: z.string().min(1).max(255).optional(),
    /** Only objects under this prefix; every object without it. */
    prefix: z.string().optional(),
    expirationDays: days('expirationDays').optional(),
    noncurrentExpirationDays: days('noncurrentExpirationDays').optional(),
    abortIncompleteUploadDays: days('abortIncompleteUploadDays').optional(),
  })
  .refine((r) => r.expirationDays ?? r.noncurrentExpirationDays ?? r.abortIncompleteUploadDays, {
    message: 'a lifecycle rule needs expirationDays, noncurrentExpirationDays or abortIncompleteUploadDays',
  });

// The names of the HTTP API's `cors`, so one spelling serves both.
const bucketCors = z.strictObject({
  allowOrigins: z.array(z.string().min(1)).min(1),
  allowMethods: z
    .array(z.enum(['GET', 'PUT', 'POST', 'DELETE', 'HEAD'], { message: 'S3 CORS methods are GET, PUT, POST, DELETE, HEAD' }))
    .min(1),
  allowHeaders: z.array(z.string()).optional(),
  exposeHeaders: z.array(z.string()).optional(),
  maxAge: z.number().int().min(0).optional(),
});

const bucket = z.strictObject({
  type: z.literal('bucket'),
  ...common,
  versioning: z.boolean().optional(),
  /** `s3` (SSE-S3, the default) or `kms` (SSE-KMS: `kmsKeyArn`, else the account's aws/s3 key). */
  encryption: z.enum(['s3', 'kms'], { message: "encryption is 's3' (the default) or 'kms'" }).optional(),
  kmsKeyArn: kmsKeyArn.optional(),
  lifecycle: z.array(lifecycleRule).optional(),
  cors: z.array(bucketCors).optional(),
  /** Default true: all four public access block settings on. */
  blockPublicAccess: z.boolean().optional(),
});

const seconds = (what: string, min: number, max: number, hint: string) =>
  z
    .number()
    .int(`${what} is whole seconds`)
    .min(min, { error: (iss) => `${count(Number(iss.input))} seconds, SQS allows ${what} ${hint}` })
    .max(max, { error: (iss) => `${count(Number(iss.input))} seconds, SQS allows ${what} ${hint}` });

const queue = z.strictObject({
  type: z.literal('queue'),
  ...common,
  fifo: z.boolean().optional(),
  /** FIFO only: deduplicate by a hash of the body when a message has no deduplication id. */
  contentBasedDeduplication: z.boolean().optional(),
  /** Seconds a received message stays hidden from other consumers (default 30). */
  visibilityTimeout: seconds('visibilityTimeout', 0, 43200, 'from 0 to 43,200 (12 hours)').optional(),
  /** Seconds a message is kept (default 345,600: 4 days). */
  retention: seconds('retention', 60, 1209600, 'from 60 to 1,209,600 (14 days)').optional(),
  deadLetter: z
    .strictObject({
      /** The key of another queue of this config. */
      queue: z.string().min(1),
      maxReceiveCount: z.number().int().min(1, 'maxReceiveCount is 1..1000').max(1000, 'maxReceiveCount is 1..1000'),
    })
    .optional(),
  /** `sqs` (SQS-managed keys, the default), `kms` (`kmsKeyArn`) or `none`. */
  encryption: z.enum(['sqs', 'kms', 'none'], { message: "encryption is 'sqs' (the default), 'kms' or 'none'" }).optional(),
  kmsKeyArn: kmsKeyArn.optional(),
});

const subscription = z.strictObject({
  protocol: z.enum(['email', 'email-json', 'sms', 'sqs', 'https', 'http'], {
    message: "protocol is 'email', 'email-json', 'sms', 'sqs', 'https' or 'http' (functions subscribe with triggers)",
  }),
  endpoint: z.string().min(1),
  filterPolicy: z.record(z.string(), z.unknown()).optional(),
});

const topic = z.strictObject({
  type: z.literal('topic'),
  ...common,
  fifo: z.boolean().optional(),
  contentBasedDeduplication: z.boolean().optional(),
  subscriptions: z.array(subscription).optional(),
});

const secret = z.strictObject({
  type: z.literal('secret'),
  ...common,
  description: z
    .string()
    .max(2048, { error: (iss) => `${count(String(iss.input ?? '').length)} characters, Secrets Manager allows 2,048 for a description` })
    .optional(),
  kmsKeyArn: kmsKeyArn.optional(),
});

export const RESOURCE_TYPES = ['table', 'bucket', 'queue', 'topic', 'secret'] as const;

export const resourceSchema = z.discriminatedUnion('type', [table, bucket, queue, topic, secret], {
  error: (iss) => (iss.code === 'invalid_union' ? `type must be one of ${RESOURCE_TYPES.map((t) => `'${t}'`).join(', ')}` : undefined),
});

export const resourcesSchema = z.record(resourceKey, resourceSchema);

/** What each type of resource may be used for (`uses: { alerts: 'readwrite' }`). */
export const ACCESS_BY_TYPE = {
  table: ['read', 'write', 'readwrite'],
  bucket: ['read', 'write', 'readwrite'],
  queue: ['send', 'consume'],
  topic: ['publish'],
  secret: ['read'],
} as const;

export const RESOURCE_ACCESS = ['read', 'write', 'readwrite', 'send', 'consume', 'publish'] as const;

/** A function's `uses`: resource key → access (checked against the resource's type with the other cross-field rules). */
export const usesSchema = z.record(
  z.string().min(1),
  z.enum(RESOURCE_ACCESS, { message: `an access is one of ${RESOURCE_ACCESS.map((a) => `'${a}'`).join(', ')}` }),
);

export type ParsedResource = z.output<typeof resourceSchema>;
export type ParsedResources = z.output<typeof resourcesSchema>;
