import type { CorsSpec, Fleet } from '../config/types.js';
import type { ActualApiKeys } from './api-keys.js';
import type { ActualStageSettings } from './api-stage.js';
import type { ActualBucketNotifications, ActualBuckets } from './bucket.js';
import type { ActualDomains } from './domain.js';
import type { ActualFunctionUrl } from './function-url.js';
import type { StageInventory } from './inventory.js';
import type { ActualQueues } from './queue.js';
import type { ActualSecrets } from './secret.js';
import type { ActualStreamMapping } from './stream-mapping.js';
import type { ActualTable } from './table.js';
import type { ActualTopics } from './topic.js';

/** What a read covers: the app and stage, and the desired functions when known (some kinds read what they name). */
export type ReadScope = Pick<Fleet, 'app' | 'stage'> &
  Partial<Pick<Fleet, 'functions' | 'resources' | 'api' | 'apis'>> & {
    /** The stage inventory when the lease look read it (src/model/inventory.ts): names outside the prefix to look at. */
    inventory?: Promise<StageInventory | undefined>;
    /**
     * Physical names of the functions a command selected (`ops deploy fn`): the function-scoped reads (the functions,
     * their roles and log groups) cover only these, and the functions the stage inventory lists as shifting (their
     * split `live` is planned whatever the selection). Unset: the whole stage.
     */
    only?: readonly string[];
    /**
     * Each function read whole by GetFunction (`ops status`: its state and last update status, which AWS's
     * ListFunctions leaves out), rather than from the listing and the tagging API.
     */
    detail?: boolean;
  };

/**
 * Actual state read from AWS, mapped into the same shapes the planner compares with the
 * desired state (STYLE.md rule 4: normalize both sides before diffing). Nothing here is an
 * SDK type: readers in src/aws map SDK responses into these.
 */

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface ActualRole {
  name: string;
  arn: string;
  path: string;
  trustPolicy: PolicyDocument;
  /** Inline policies by name (documents URL-decoded and parsed). */
  inlinePolicies: Record<string, PolicyDocument>;
  attachedPolicyArns: string[];
  tags: Record<string, string>;
}

/** The fields of a function's configuration that ops manages, normalized. */
export interface FunctionConfiguration {
  runtime: string;
  handler: string;
  memory: number;
  timeout: number;
  architecture: 'x86_64' | 'arm64';
  ephemeralStorage: number;
  description: string;
  environment: Record<string, string>;
  role: string;
  layers: string[];
  vpc?: { subnetIds: string[]; securityGroupIds: string[] };
  tracing: 'Active' | 'PassThrough';
}

export interface ActualFunction {
  name: string;
  arn: string;
  config: FunctionConfiguration;
  /** Base64 sha256 of the deployed zip (Lambda's CodeSha256). */
  codeSha256: string;
  state?: string;
  lastUpdateStatus?: string;
  lastModified?: string;
  tags: Record<string, string>;
  /** The `live` alias, when it exists. */
  /** `weights`: a shift in progress (or interrupted): AdditionalVersionWeights, version → share (src/shift/recover.ts). */
  alias?: { version: string; revisionId?: string; weights?: Record<string, number>; shift?: string };
  /**
   * Published versions (not $LATEST), oldest first, each with the configuration it was
   * published with: an interrupted deploy (code updated, never published) shows up as
   * `live` pointing at a version whose code or configuration differs from the desired.
   */
  versions: { version: string; codeSha256: string; config: FunctionConfiguration; lastModified?: string; description?: string }[];
  /** Resource policy statements on the `live` alias. */
  aliasPolicy: PolicyStatement[];
  reservedConcurrency?: number;
  /** Requested provisioned concurrency on `live` (src/aws/settings.ts). */
  provisionedConcurrency?: number;
  /** Asynchronous invocation settings of `live`, when there are any (src/aws/settings.ts). */
  asyncConfig?: ActualAsyncConfig;
  /** The Function URL of `live`, when there is one (src/aws/function-url.ts). */
  url?: ActualFunctionUrl;
  /**
   * A function with the config's kept name (or `adopt: true`) that is not ours (its tags say whose, if anyone's):
   * read whole so the plan can adopt it in place or refuse it (src/resources/function/plan-adopt.ts).
   */
  notOwned?: true;
}

/** PutFunctionEventInvokeConfig's fields, as GetFunctionEventInvokeConfig reports them (unset ones absent). */
export interface ActualAsyncConfig {
  maxRetries?: number;
  maxEventAgeSeconds?: number;
  onFailure?: string;
}

/** An EventBridge rule named and tagged for the app and stage, with its targets. */
export interface ActualRule {
  name: string;
  arn: string;
  scheduleExpression?: string;
  /** JSON text, as EventBridge reports it. */
  eventPattern?: string;
  /** The bus it is on; absent: the default bus. */
  bus?: string;
  /** `ENABLED` or `DISABLED`. */
  state: string;
  description: string;
  tags: Record<string, string>;
  targets: { id: string; arn: string; input?: string }[];
  /** A rule with a kept name (or `adopt`) that is not ours (its tags say whose): adopted or refused by the plan. */
  notOwned?: true;
}

/** An SNS subscription whose endpoint is the `live` alias of one of the app and stage's functions. */
export interface ActualSubscription {
  arn: string;
  topicArn: string;
  endpoint: string;
  /** The filter policy as SNS holds it (JSON text), when there is one. */
  filterPolicy?: string;
}

/** The fields of a CloudWatch metric alarm that ops manages (PutMetricAlarm's, normalized). */
export interface AlarmSettings {
  name: string;
  /** AlarmDescription ('' for none). */
  description: string;
  namespace: string;
  metric: string;
  /** Statistic, or ExtendedStatistic (`p99`). */
  statistic: string;
  dimensions: Record<string, string>;
  period: number;
  evaluationPeriods: number;
  /** DatapointsToAlarm; AWS leaves it out when it equals EvaluationPeriods, read back as that. */
  datapointsToAlarm: number;
  threshold: number;
  comparison: string;
  /** TreatMissingData; read back as `missing` when AWS leaves it out. */
  treatMissingData: string;
  actions: string[];
}

/** A CloudWatch metric alarm named and tagged for the app and stage. */
export interface ActualAlarm extends AlarmSettings {
  arn: string;
  tags: Record<string, string>;
  /** An alarm with a kept name (or `adopt`) that is not ours (its tags say whose): adopted or refused by the plan. */
  notOwned?: true;
}

/** A layer of the app and stage (layers cannot be tagged: its latest version's description names them), with its latest version. */
export interface ActualLayer {
  name: string;
  /** Layer ARN, without a version. */
  arn: string;
  latestVersion: number;
  latestVersionArn: string;
  /** Base64 sha256 of the latest version's zip, from the description ops gives each version. */
  codeSha256?: string;
}

export interface ActualLogGroup {
  name: string;
  retentionDays?: number;
  tags?: Record<string, string>;
}

export interface ActualApi {
  id: string;
  name: string;
  endpoint: string;
  arnPrefix?: string;
  cors?: CorsSpec;
  tags: Record<string, string>;
  integrations: { id: string; uri: string; payloadFormatVersion?: string; type?: string }[];
  /** `auth` absent: AuthorizationType NONE. */
  routes: { id: string; key: string; target?: string; auth?: { type: string; authorizerId?: string; scopes?: string[] } }[];
  /** `tags`: a named stage's (ops tags the stages it names, so it knows which to delete when the name changes). */
  stages: { name: string; autoDeploy: boolean; tags?: Record<string, string> }[];
  /** Throttling and access logs by stage name (src/resources/api-stage); a stage with none set is absent. */
  stageSettings?: Record<string, ActualStageSettings>;
  /** Read only when the config wants authorizers or a route names one (undefined: not read). */
  authorizers?: ActualAuthorizer[];
  /** Newer owned APIs with the same name (a lost CreateApi answer, a race): the plan deletes them. */
  duplicates?: { id: string; endpoint: string }[];
  /** An API with the config's kept name that is not ours (its tags say whose): adopted or refused by the plan. */
  notOwned?: true;
}

/** An HTTP API authorizer (JWT or Lambda REQUEST), as GetAuthorizers answers. */
export interface ActualAuthorizer {
  id: string;
  name: string;
  type: string;
  identitySource: string[];
  issuer?: string;
  audience?: string[];
  /** A REQUEST authorizer's `arn:aws:apigateway:{region}:lambda:path/…/functions/{arn}/invocations`. */
  uri?: string;
  ttl?: number;
  payload?: string;
  simpleResponses?: boolean;
}

/** A method of a REST API resource, and its integration (absent: none yet). */
export interface ActualRestMethod {
  authorizationType?: string;
  /** Callers must send an API key of a usage plan (absent: not required). */
  apiKeyRequired?: boolean;
  authorizerId?: string;
  /** A COGNITO_USER_POOLS method's scopes (absent: none). */
  authorizationScopes?: string[];
  integration?: {
    type?: string;
    httpMethod?: string;
    uri?: string;
    /** The `200` integration response's headers (a MOCK CORS integration's `Access-Control-Allow-*`). */
    responseHeaders?: Record<string, string>;
  };
}

/** A REST API authorizer (COGNITO_USER_POOLS, REQUEST or TOKEN), as GetAuthorizers answers. */
export interface ActualRestAuthorizer {
  id: string;
  name: string;
  type: string;
  /** As v1 holds it: `method.request.header.Authorization` (comma-separated when several). */
  identitySource?: string;
  providerArns?: string[];
  uri?: string;
  ttl?: number;
}

/** The stage's REST API (API Gateway v1), found by its `ops:app` / `ops:stage` tags. */
export interface ActualRestApi {
  id: string;
  name: string;
  tags: Record<string, string>;
  /** By path (`/`, `/approval`, `/users/{id}`); methods by HTTP method (`GET`, `ANY`, `OPTIONS`). */
  resources: Record<string, { id: string; parentId?: string; methods: Record<string, ActualRestMethod> }>;
  /** `tags`: the stage's own (the custom domain's marker, `ops:domain`, is one). */
  stages: { name: string; deploymentId?: string; variables?: Record<string, string>; tags?: Record<string, string> }[];
  /** Oldest first. */
  deployments: { id: string; createdDate?: number }[];
  /** Throttling and access logs by stage name (src/resources/api-stage); a stage with none set is absent. */
  stageSettings?: Record<string, ActualStageSettings>;
  /** Read only when the config wants authorizers or a method names one (undefined: not read). */
  authorizers?: ActualRestAuthorizer[];
  /** Newer owned REST APIs (a lost CreateRestApi answer, a race): the plan deletes them. */
  duplicates?: string[];
}

/** Everything ops owns for one app and stage. Keys of the maps are physical names. */
export interface Actual {
  accountId: string;
  region: string;
  roles: Record<string, ActualRole>;
  functions: Record<string, ActualFunction>;
  /**
   * The configured functions the stage inventory lists as shifting (src/resources/function/read-selected.ts): the
   * only other functions whose split `live` a selection's plan resolves, whatever else was read. Absent when the
   * inventory was not read (a read of the whole stage without it): every function read may then be one.
   */
  shifting?: string[];
  logGroups: Record<string, ActualLogGroup>;
  /**
   * Log groups named for a desired function that are not ours yet (untagged, and no function of ours
   * writes to them): a create meets them, and takes them over only once that function is ours.
   */
  unownedLogGroups?: string[];
  api?: ActualApi;
  /** The REST API (absent: none, or not read: read when the config wants one or a `live` alias names one). */
  restApi?: ActualRestApi;
  /** The named HTTP APIs (`apis`, tagged `ops:api`) by key (absent: none). */
  apis?: Record<string, ActualApi>;
  /** The named REST APIs by key (absent: none, or not read: as `restApi`). */
  restApis?: Record<string, ActualRestApi>;
  /** The APIs' access log groups, by name (absent: not read: no API wants access logs or writes to one). */
  apiLogGroups?: Record<string, ActualLogGroup>;
  /** A REST API's keys and usage plans (absent: not read: read only when the config or a key-required method asks). */
  apiKeys?: ActualApiKeys;
  /** Custom domains (absent: not read: read only when the config names one or the HTTP API's marker tag does). */
  domains?: ActualDomains;
  /** EventBridge rules by name (absent: none). */
  rules?: Record<string, ActualRule>;
  /** SNS subscriptions of the functions' `live` aliases (absent: none). */
  subscriptions?: ActualSubscription[];
  /** CloudWatch alarms by name (absent: none). */
  alarms?: Record<string, ActualAlarm>;
  /** Layers by name (absent: none). */
  layers?: Record<string, ActualLayer>;
  /** DynamoDB tables tagged for the app and stage, by name (absent: none, or no table declared: not read). */
  tables?: Record<string, ActualTable>;
  /** Tables with a declared table's name but not the stage's tags: the plan stops, or adopts them (`adopt: true`). */
  unownedTables?: Record<string, ActualTable>;
  /** S3 buckets of the fleet's `resources` (absent: not read, the fleet declares none). */
  buckets?: ActualBuckets;
  /** Lambda entries of the notifications of the buckets the stage's S3 triggers use or used (absent: none). */
  bucketNotifications?: ActualBucketNotifications;
  /** SQS queues of the fleet's `resources` (absent: not read, the fleet declares none). */
  queues?: ActualQueues;
  /** Mappings from the stage's tables' streams to the stage's functions (read only when tables are declared). */
  streamMappings?: ActualStreamMapping[];
  /** SNS topics of the fleet's `resources` (absent: not read, the fleet declares none). */
  topics?: ActualTopics;
  /** Secrets Manager secrets of the fleet's `resources` (absent: not read). */
  secrets?: ActualSecrets;
  /** Resources found by our names or paths but not ours (untagged, or another app's or stage's): never changed, reported in the plan. */
  foreign: { type: string; name: string; reason?: string }[];
  /** What each role the config names (`role`) grants, by role name (absent: not read). */
  externalRoles?: Record<string, ExternalRoleGrants>;
}

/** The policies of a role ops does not manage (inline, and attached managed ones at their default version), or why they could not be read. */
export type ExternalRoleGrants = { policies: PolicyDocument[] } | { unreadable: string };
