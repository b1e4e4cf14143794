/**
 * The fleet's own stateful resources (`resources` in the config), resolved for a stage: DynamoDB tables, S3
 * buckets, SQS queues, SNS topics and Secrets Manager secrets, and how functions use them (`uses`). Types only:
 * the schema (src/config/resource-schema.ts) produces them, one resource module per type (src/resources/<type>)
 * reads, plans and applies them.
 */

export type ResourceType = 'table' | 'bucket' | 'queue' | 'topic' | 'secret';

/**
 * What a function may do with a resource. Tables and buckets: `read`, `write`, `readwrite`; queues: `send`,
 * `consume` (receive and delete); topics: `publish`; secrets: `read`.
 */
export type ResourceAccess = 'read' | 'write' | 'readwrite' | 'send' | 'consume' | 'publish';

/** What happens to a resource that leaves the config, and on `ops destroy`. */
export type RemovalPolicy =
  /** Kept (the default): its data outlives the config and the stage; the plan says "kept (holds data)". */
  | 'retain'
  /** Deleted with a confirmed run (a non-empty bucket is emptied only with `--allow-data-loss`). */
  | 'destroy';

interface ResourceBase {
  /** The name in the config (`alerts`): what functions' `uses` and triggers name. */
  key: string;
  /** `{app}-{stage}-{key}` unless the config gives `name` (queues and topics with `fifo` end in `.fifo`). */
  physicalName: string;
  removal: RemovalPolicy;
  /** Take over a resource with this name that exists without the stage's tags: tag it, never recreate it. */
  adopt: boolean;
  /** The fleet's tags plus ops's ownership tags (ops:app, ops:stage, ops:resource = key). */
  tags: Record<string, string>;
}

export type KeyType = 'S' | 'N' | 'B';

export interface KeySpec {
  name: string;
  type: KeyType;
}

export interface TableIndexSpec {
  name: string;
  partitionKey: KeySpec;
  sortKey?: KeySpec;
  /** `ALL` (default), `KEYS_ONLY`, or the non-key attributes to project (INCLUDE). */
  projection: 'ALL' | 'KEYS_ONLY' | string[];
}

export interface TableSpec extends ResourceBase {
  type: 'table';
  partitionKey: KeySpec;
  sortKey?: KeySpec;
  /** PAY_PER_REQUEST unless `capacity` is given. */
  billing: 'PAY_PER_REQUEST' | 'PROVISIONED';
  capacity?: { read: number; write: number };
  indexes: TableIndexSpec[];
  ttlAttribute?: string;
  stream?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
  pointInTimeRecovery: boolean;
  deletionProtection: boolean;
}

export interface BucketLifecycleRule {
  id: string;
  prefix?: string;
  expirationDays?: number;
  noncurrentExpirationDays?: number;
  abortIncompleteUploadDays?: number;
}

export interface BucketCorsRule {
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders?: string[];
  exposeHeaders?: string[];
  maxAgeSeconds?: number;
}

export interface BucketSpec extends ResourceBase {
  type: 'bucket';
  versioning: boolean;
  /** SSE-S3 (`AES256`, the default) or SSE-KMS with `kmsKeyArn`. */
  encryption: 'AES256' | 'aws:kms';
  kmsKeyArn?: string;
  lifecycle: BucketLifecycleRule[];
  /** All four public access block settings on, unless the config turns them off. */
  blockPublicAccess: boolean;
  cors: BucketCorsRule[];
}

export interface QueueSpec extends ResourceBase {
  type: 'queue';
  fifo: boolean;
  contentBasedDeduplication: boolean;
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  /** Another queue of the fleet (its key) that receives what fails `maxReceiveCount` times. */
  deadLetter?: { queue: string; maxReceiveCount: number };
  /** SQS-managed encryption (`sqs`, the default), a KMS key, or none. */
  encryption: 'sqs' | 'kms' | 'none';
  kmsKeyArn?: string;
}

/** A subscription of a declared topic to something that is not a function of the fleet (functions use `triggers`). */
export interface TopicSubscriptionSpec {
  protocol: 'email' | 'email-json' | 'sms' | 'sqs' | 'https' | 'http';
  endpoint: string;
  filterPolicy?: string;
}

export interface TopicSpec extends ResourceBase {
  type: 'topic';
  fifo: boolean;
  contentBasedDeduplication: boolean;
  subscriptions: TopicSubscriptionSpec[];
}

export interface SecretSpec extends ResourceBase {
  type: 'secret';
  description?: string;
  kmsKeyArn?: string;
}

export type ResourceSpec = TableSpec | BucketSpec | QueueSpec | TopicSpec | SecretSpec;

/** A function's use of a resource (`uses: { alerts: 'readwrite' }`): its grants and the variable it reads. */
export interface ResourceUse {
  /** The resource's key. */
  resource: string;
  type: ResourceType;
  access: ResourceAccess;
  /**
   * The environment variable that carries the resource to the handler: `{KEY}_TABLE` (name), `{KEY}_BUCKET`
   * (name), `{KEY}_QUEUE_URL`, `{KEY}_TOPIC_ARN`, `{KEY}_SECRET_NAME` (KEY: the key in upper snake case; a
   * secret's ARN ends in a suffix Secrets Manager picks, its name is known before it exists and GetSecretValue
   * takes it). Built by naming.ts's resourceEnvName.
   */
  env: string;
}
