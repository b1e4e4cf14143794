import type { EnvRef } from './refs.js';
import type { ApiKeySpec, UsagePlanSpec } from './resolve-api-keys.js';
import type { AccessLogSpec, ExecutionLogLevel, ThrottleSpec } from './resolve-api-stage.js';
import type { AuthorizerSpec, RouteAuth } from './resolve-authorizers.js';
import type { ShiftSpec } from './resolve-deploy-strategy.js';
import type { DomainSpec } from './resolve-domain.js';
import type { FunctionUrlSpec } from './resolve-function-url.js';
import type { ParamSecret } from './resolve-param-secrets.js';
import type { ResourceSpec, ResourceUse } from './resources.js';
import type { Runtime, Statement } from './schema.js';

export type { FunctionUrlAuth, FunctionUrlInvokeMode } from './function-url.js';
export type { AuthorizerSpec, RouteAuth } from './resolve-authorizers.js';
export type { FunctionUrlCors, FunctionUrlSpec } from './resolve-function-url.js';
export type * from './resources.js';

export type Language = 'node' | 'python';

/** An HTTP API route, parsed. `key` is API Gateway's RouteKey (`GET /tasks/{id}` or `$default`). */
export interface RouteSpec {
  key: string;
  method: string;
  path: string;
  /** How the route is authorized (its `auth`, else the API's default); absent: none. */
  auth?: RouteAuth;
  /** A REST API route that needs an API key (`x-api-key`, API Gateway's apiKeyRequired); absent: none. */
  apiKey?: boolean;
  /** The key of the named API (`apis.<key>`) it belongs to; absent: the default API (`api`). */
  api?: string;
}

/** A parameter a function reads, resolved for the stage. */
export interface ParamUse {
  name: string;
  /** Full SSM name: `/{app}/{stage}/{name}`, or the declared `path` with `{stage}` filled in. */
  path: string;
  /** Environment variable the function receives. */
  env: string;
  /** Resolve the value into the environment at deploy time (plain params, or secure with plaintextEnv). */
  resolve: boolean;
  secure: boolean;
  /** Read from Secrets Manager instead of SSM (`path` is then unused by SSM calls). */
  secret?: ParamSecret;
}

export interface ParamSpec {
  name: string;
  /** Full SSM name: `/{app}/{stage}/{name}`, or the declared `path` with `{stage}` filled in. */
  path: string;
  /** A declared path without `{stage}`: one parameter shared by every stage (ops never deletes it). */
  shared?: boolean;
  secure: boolean;
  description?: string;
  plaintextEnv: boolean;
  /** Function keys that read it. */
  readers: string[];
  /** Read from Secrets Manager instead of SSM. */
  secret?: ParamSecret;
}

export interface HandlerSpec {
  /** Absolute path of the entry source file. */
  file: string;
  /** Exported function name in that file. */
  exportName: string;
  /** What Lambda's `Handler` field gets (`index.handler`, `lambda_function.lambda_handler`). */
  lambdaHandler: string;
  /** Python: absolute directory whose contents become the zip root. Node: the entry's directory. */
  root: string;
  /** Python: absolute path of the requirements file, when there is one. */
  requirements?: string;
}

/** An EventBridge rule that invokes the function's `live` alias on a schedule. */
export interface ScheduleSpec {
  kind: 'schedule';
  /** Physical rule name: `{app}-{stage}-{fn}-{name or hash of the expression}`. */
  ruleName: string;
  /** `rate(5 minutes)` or `cron(0 12 * * ? *)`. */
  expression: string;
  enabled: boolean;
  /** The target's Input: the configured event as JSON text. */
  input?: string;
  description?: string;
  /** Id of the statement on the alias policy that lets EventBridge invoke it: `ops-rule-{ruleName}`. */
  statementId: string;
  /** `adopt: true`: an untagged rule named `ruleName` is taken over in place (src/resources/schedule/plan-adopt.ts). */
  adopt?: boolean;
}

/** A subscription of the function's `live` alias to an SNS topic. */
export interface SnsSpec {
  kind: 'sns';
  topicArn: string;
  filterPolicy?: Record<string, unknown>;
  /** `ops-sns-{hash of the topic ARN}`. */
  statementId: string;
}

/** An SQS event source mapping from a queue of the fleet's `resources` to the function's `live` alias. */
export interface SqsTriggerSpec {
  kind: 'sqs';
  /** The queue's key in `resources`. */
  queue: string;
  batchSize: number;
  batchWindowSeconds: number;
  maxConcurrency?: number;
  /** FunctionResponseTypes ReportBatchItemFailures (default on). */
  reportBatchItemFailures: boolean;
}

/** S3 object events of a bucket → `live`: one entry of the bucket's notification configuration, merged with the others. */
export interface S3TriggerSpec {
  kind: 's3';
  /** The bucket's physical name (a declared bucket's, or an existing bucket's). */
  bucket: string;
  /** The bucket's key when the fleet declares it. */
  resource?: string;
  events: string[];
  prefix?: string;
  suffix?: string;
  /** The notification's Id: `ops-{app}-{stage}-{fn}-{hash of bucket, events and filters}`. */
  notificationId: string;
  /** `ops-s3-{hash of the bucket}`: the statement on `live` that lets S3 invoke it. */
  statementId: string;
}

/** A DynamoDB stream → `live` event source mapping: a table of `resources` that declares `stream`. */
export interface DynamoTriggerSpec {
  kind: 'dynamodb';
  /** The table's key in `resources`. */
  table: string;
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
  batchSize: number;
  batchWindowSeconds: number;
  /** FilterCriteria patterns, each as JSON text with sorted keys. */
  filters: string[];
  bisectOnError: boolean;
  /** -1: retried until the record expires. */
  retryAttempts: number;
  /** -1: no limit. */
  maxRecordAgeSeconds: number;
  /** A queue or topic key of `resources`, or an SQS/SNS ARN (the planner makes it an ARN). */
  onFailure?: string;
}

/** An EventBridge rule with an event pattern, on a bus, that invokes `live`: a schedule's rule without the schedule. */
export interface EventRuleSpec extends Omit<ScheduleSpec, 'kind' | 'expression'> {
  kind: 'eventbridge';
  /** The EventPattern as JSON text with sorted keys. */
  pattern: string;
  /** The event bus's name (`default`). */
  bus: string;
}

export type TriggerSpec = ScheduleSpec | SnsSpec | SqsTriggerSpec | S3TriggerSpec | DynamoTriggerSpec | EventRuleSpec;

/** A layer used as is (by version ARN), or built from a directory and published by ops. */
export type LayerSpec =
  | { kind: 'arn'; arn: string }
  | {
      kind: 'build';
      /** Logical name (the `name` given, or the directory's). */
      key: string;
      /** Physical layer name: `{app}-{stage}-{key}`. */
      name: string;
      /** Absolute directory whose files become the layer's root. */
      path: string;
      /** Absolute requirements file installed into `python/`. */
      requirements?: string;
    };

/** A CloudWatch alarm on one of the function's metrics, notifying an SNS topic when it has one. */
export interface AlarmSpec {
  /** `{app}-{stage}-{fn}-{name}`, or `{app}-{stage}-{fn}-{metric}-{n}`, n counting the function's alarms on that metric from 1. */
  name: string;
  /** AlarmDescription; empty when the config gives none. */
  description: string;
  metric: 'Errors' | 'Throttles' | 'Duration';
  /** `Sum`, `Average`, ... or a percentile (`p99`, sent as ExtendedStatistic). */
  statistic: string;
  threshold: number;
  periodSeconds: number;
  evaluationPeriods: number;
  /** Breaching periods (of `evaluationPeriods`) that fire the alarm; equal to `evaluationPeriods` unless configured. */
  datapointsToAlarm: number;
  comparison: string;
  /** `missing` unless configured. */
  treatMissingData: string;
  /** The topic notified; none for an alarm that only changes state. */
  snsTopicArn?: string;
  /** `adopt: true`: an untagged alarm named `name` is taken over in place (src/resources/alarm/plan-adopt.ts). */
  adopt?: boolean;
}

/** Asynchronous invocation settings of the `live` alias. */
export interface AsyncSpec {
  maxRetries?: number;
  maxEventAgeSeconds?: number;
  /** An ARN, or the physical name of a function of this fleet (the planner makes it an ARN). */
  onFailure?: string;
}

export interface BundleSpec {
  sourcemap: boolean;
  minify: boolean;
  external: string[];
  bundleAwsSdk: boolean;
}

/** One function of the fleet, with defaults filled in and names resolved for a stage. */
export interface FunctionSpec {
  /** Logical name in the config (`tasks-api`). */
  key: string;
  /** Physical Lambda name: `{app}-{stage}-{key}`, or the kept `name` of the config for this stage. */
  name: string;
  /** The name is a kept one (not `{app}-{stage}-{key}`): the stage's inventory lists it (src/aws/inventory.ts). */
  keptName?: boolean;
  /** `adopt: true`: an existing untagged function of that name is taken over in place. */
  adopt?: boolean;
  runtime: Runtime;
  language: Language;
  handler: HandlerSpec;
  description?: string;
  memory: number;
  timeout: number;
  architecture: 'x86_64' | 'arm64';
  ephemeralStorage: number;
  /** Config environment plus what ops adds (param names, invoke targets, OPS_APP/OPS_STAGE). */
  environment: Record<string, string>;
  /**
   * Variables whose values the plan fills in: an ARN (it needs the account), the fleet's API URL or id,
   * a built layer's version ARN (known only once created or published). Not in `environment`.
   */
  envRefs?: Record<string, EnvRef>;
  /** Config tags plus `ops:app`, `ops:stage`, `ops:function`. */
  tags: Record<string, string>;
  /** Its `live` policy holds statements ops adds (routes, triggers, a URL, an authorizer): src/config/policy-marker.ts. */
  holdsStatements?: true;
  routes: RouteSpec[];
  params: ParamUse[];
  /** Keys of functions this one invokes. */
  invokes: string[];
  permissions: Statement[];
  /** Existing role ARN; when set ops manages no role for this function. */
  role?: string;
  /** Role name ops manages when `role` is not given. */
  roleName: string;
  logGroup: string;
  /** Days, or 'never': no retention policy on the group. */
  logRetentionDays: number | 'never';
  triggers: TriggerSpec[];
  vpc?: { subnetIds: string[]; securityGroupIds: string[] };
  layers: LayerSpec[];
  reservedConcurrency?: number;
  /** On the `live` alias. */
  provisionedConcurrency?: number;
  tracing?: 'Active' | 'PassThrough';
  async?: AsyncSpec;
  alarms: AlarmSpec[];
  /** A Function URL on the `live` alias (`url` in the config); absent: none, and any URL ops made is removed. */
  url?: FunctionUrlSpec;
  /** `deploy`: how `live` moves to a new version (src/config/deploy-strategy.ts); absent: all at once. */
  shift?: ShiftSpec;
  /** The fleet's resources this function uses (`uses`): its grants and environment variables follow. */
  uses: ResourceUse[];
  /** Python: globs (relative to the root) packaged although the default rules leave them out. */
  include?: string[];
  /** Python: globs (relative to the root) left out of the zip. */
  exclude?: string[];
  bundle: BundleSpec;
}

export interface CorsSpec {
  allowOrigins?: string[];
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  maxAge?: number;
  allowCredentials?: boolean;
}

/**
 * One API of the fleet. `type` is absent for an HTTP API (API Gateway v2, the default) and 'rest' for a REST API
 * (API Gateway v1), which is deployed to the named `stage` ('prod' unless the config names another). An HTTP
 * API with `stage` serves it as a named auto-deploy stage instead of `$default`.
 */
export interface ApiSpec {
  /** The key of a named API (`apis.<key>`, tagged `ops:api`); absent: the default API (`api`, untagged as before). */
  key?: string;
  name: string;
  /** `adopt: true`: an untagged HTTP API with `name` is taken over in place (src/resources/http-api/plan-adopt.ts). */
  adopt?: boolean;
  cors?: CorsSpec;
  type?: 'rest';
  stage?: string;
  stageVariables?: Record<string, string>;
  /** An HTTP API's authorizers (`api.authorizers`), sorted by name; absent: none. */
  authorizers?: AuthorizerSpec[];
  /** `api.domain`: a custom domain mapped to the API's stage (src/resources/domain); absent: none. */
  domain?: DomainSpec;
  /** `api.throttle`: the stage's default route throttling (src/resources/api-stage); absent: one ops set goes back to AWS's defaults. */
  throttle?: ThrottleSpec;
  /** `api.accessLog`: the stage's access logs to a log group ops creates; absent: none. */
  accessLog?: AccessLogSpec;
  /** `api.metrics`: detailed CloudWatch metrics of the stage; absent: left as the stage has them. */
  metrics?: boolean;
  /** `api.executionLogs` (REST only): the stage's execution logging level; absent: left as the stage has it. */
  executionLogs?: ExecutionLogLevel;
  /** A REST API's keys (`api.keys`), sorted by name; absent: none (src/config/api-keys.ts). */
  keys?: ApiKeySpec[];
  /** A REST API's usage plans (`api.usagePlans`), attached to its stage, sorted by name; absent: none. */
  usagePlans?: UsagePlanSpec[];
}

/** The whole fleet resolved for one stage: the desired state. */
export interface Fleet {
  app: string;
  stage: string;
  region: string;
  /** Directory holding the config: every relative path is from here. */
  root: string;
  configPath: string;
  params: ParamSpec[];
  /** The default API; `undefined` when no function has routes on it or the config says `api: false`. */
  api?: ApiSpec;
  /**
   * The named APIs (`apis`) that some route uses, sorted by key; absent when there are none. Kept beside
   * `api` (rather than one list) so that every reader of the default API is unchanged: see src/config/apis.ts.
   */
  apis?: ApiSpec[];
  functions: FunctionSpec[];
  /** The fleet's own tables, buckets, queues, topics and secrets (`resources`), by key. */
  resources: ResourceSpec[];
  keepVersions: number;
  concurrency: number;
  /** `deploy.leaseWaitSeconds`: how long a run waits for the stage's lease (default 120). */
  leaseWaitSeconds?: number;
  /** S3 bucket code is staged through (`deploy.bucket`); direct upload when absent. */
  bucket?: string;
  tags: Record<string, string>;
}
