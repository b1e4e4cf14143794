import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * The one home of the names ops gives things on AWS: physical names, ARNs, the `live` alias, statement
 * ids, the role path, tag keys and ownership by tags. Pure (no I/O), so the config, the planners and
 * src/aws all build a name the same way; src/aws only adds the account it asks STS for.
 */

/** Physical names on AWS, all derived from app and stage so two stages never collide. */
export const physicalName = (app: string, stage: string, key: string) => `${app}-${stage}-${key}`;
export const paramPath = (app: string, stage: string, name: string) => `/${app}/${stage}/${name}`;
export const paramPrefix = (app: string, stage: string) => `/${app}/${stage}/`;
export const logGroupName = (functionName: string) => `/aws/lambda/${functionName}`;
export const apiName = (app: string, stage: string) => `${app}-${stage}`;
/** A named API's (`apis.<key>`) physical name; it also carries the tag `ops:api` = key (the default API has none). */
export const namedApiName = (app: string, stage: string, key: string) => `${app}-${stage}-${key}`;
export const API_KEY_TAG = 'ops:api';
/**
 * The stage lease (an SSM parameter). `_` cannot start an app name, so no fleet's params
 * (`/{app}/{stage}/...`) can ever sit at or under it; `/{app}/{stage}` ends the name, so `dev` is never `dev-x`.
 */
export const leaseParamName = (app: string, stage: string) => `/_ops/lease/${app}/${stage}`;

/**
 * The stage's lease epoch: an SSM parameter whose version goes up by one each time a run takes the lease
 * and again as it releases it. A run that read AWS beside a look that found the lease free and the epoch at
 * version v, dated before the read began, and that gets v + 1 when it takes the lease, knows that no run
 * wrote while it read (src/apply/deploy.ts staleRead).
 */
export const leaseEpochParamName = (app: string, stage: string) => `/_ops/lease-epoch/${app}/${stage}`;

/** Where the stage's take-over claims live (`ops unlock` deletes everything under it). */
export const leaseClaimPrefix = (app: string, stage: string) => `/_ops/lease-claim/${app}/${stage}/`;
/**
 * A claim on taking over the expired lease of the holder whose token is `holderToken`, created only if absent:
 * of the runs that find that lease expired, only the one whose create succeeds may delete it. `generation` goes
 * up by one when a claimant died before it finished (its claim expired). A token that is not a safe name part
 * (a lease ops did not write) is hashed.
 */
export const leaseClaimParamName = (app: string, stage: string, holderToken: string, generation: number) =>
  `${leaseClaimPrefix(app, stage)}${/^[\w.-]{1,100}$/.test(holderToken) ? holderToken : shortHash(holderToken)}-${generation}`;

/** First 8 hex characters of the sha256 of `text`: a short name that stays the same while the text does. */
export const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

/** JSON with object keys sorted (`{b,a}` and `{a,b}` are one text): what a pattern is compared and hashed as. */
export const sortedJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
/** The rule-name suffix of an event-pattern trigger without a `name`: a hash of its bus and pattern. */
export const patternRuleSuffix = (bus: string, pattern: unknown) => shortHash(`${bus}\n${sortedJson(pattern)}`);

/** EventBridge rule names are at most 64 characters: the function part is cut to fit, prefix and suffix stay. */
export const MAX_RULE_NAME_LENGTH = 64;

/** `{app}-{stage}-{fn}-{suffix}`: found by the `{app}-{stage}-` prefix, owned by its tags. */
export function ruleName(app: string, stage: string, key: string, suffix: string): string {
  const prefix = `${app}-${stage}-`;
  const room = MAX_RULE_NAME_LENGTH - prefix.length - suffix.length - 1;
  return `${prefix}${key.slice(0, Math.max(1, room))}-${suffix}`;
}

/** `{app}-{stage}-{fn}-{metric}-{n}`. */
export const alarmName = (app: string, stage: string, key: string, suffix: string) => `${app}-${stage}-${key}-${suffix}`;

/** `{app}-{stage}-{key}`. Layers cannot be tagged: ownership is in each version's description (layerDescription). */
export const layerName = (app: string, stage: string, key: string) => `${app}-${stage}-${key}`;

/** The logical name of a built layer: the `name` given, else the directory's name made safe. */
export function layerKeyOf(l: { path: string; name?: string }): string {
  return l.name ?? (path.basename(path.resolve('/', l.path)).replace(/[^A-Za-z0-9_-]+/g, '-') || 'layer');
}

/**
 * Description of every layer version ops publishes: the owner's app and stage (layers cannot carry
 * tags, and a name prefix is no owner: `tasks-dev-` also starts stage `dev-x`'s layers) and the zip's
 * sha (ListLayers returns descriptions, not shas). App and stage hold no `/` or space, so it parses back exactly.
 */
export const layerDescription = (app: string, stage: string, codeSha256: string) => `ops ${app}/${stage} sha256:${codeSha256}`;
export const layerShaOf = (description: string | undefined) => /(?:^| )sha256:(\S+)/.exec(description ?? '')?.[1];
/** The app and stage a layer version's description names (layerDescription's form), else `undefined`. */
export function layerOwnerOf(description: string | undefined): { app: string; stage: string } | undefined {
  const m = /^ops ([^/\s]+)\/([^/\s]+) sha256:\S+$/.exec(description ?? '');
  return m ? { app: m[1], stage: m[2] } : undefined;
}

/** Key of a built layer among the build's artifacts (function keys never hold a colon). */
export const layerArtifactKey = (key: string) => `layer:${key}`;

/** Sid of the statement that lets the fleet's HTTP API invoke a function's `live` alias. */
export const API_PERMISSION_SID = 'ops-http-api';
/**
 * A named API's statements on `live`: `ops-api-{key}` (HTTP), `ops-api-{key}_m{hash of METHOD /path}` (REST), and
 * its Lambda authorizers' grants `ops-api-{key}_ha_{name}` (HTTP). API keys hold no `_`, Lambda takes statement
 * ids of [A-Za-z0-9_-] only (no dot), and none starts like the default API's (`ops-http-api`, `ops-rest-api-`).
 */
export const NAMED_API_SID_PREFIX = 'ops-api-';
export const apiPermissionSid = (key?: string) => (key ? `${NAMED_API_SID_PREFIX}${key}` : API_PERMISSION_SID);
/** A named API's statements of one sort (`m`: REST methods, `ha`/`ra`: HTTP/REST authorizer grants). */
export const namedApiSidPrefix = (key: string, sort: 'm' | 'ha' | 'ra') =>
  `${NAMED_API_SID_PREFIX}${key}_${sort === 'm' ? 'm' : `${sort}_`}`;
/** A named REST API's method statement (what makes the REST kind read API Gateway v1). */
export const isNamedRestSid = (sid: string | undefined) => /^ops-api-[a-z0-9-]+_m/.test(sid ?? '');
/** Statements on `live` that let a schedule rule or an SNS topic invoke it: `ops-rule-{rule}`, `ops-sns-{hash of the topic}`. */
export const RULE_SID_PREFIX = 'ops-rule-';
export const SNS_SID_PREFIX = 'ops-sns-';
/** Statement ids on a `live` alias policy, one per trigger. */
export const ruleStatementId = (rule: string) => `${RULE_SID_PREFIX}${rule}`;
export const snsStatementId = (topicArn: string) => `${SNS_SID_PREFIX}${shortHash(topicArn)}`;
/** The statement on `live` that lets S3 object events of one bucket invoke it: `ops-s3-{hash of the bucket}`. */
export const S3_SID_PREFIX = 'ops-s3-';
export const s3StatementId = (bucket: string) => `${S3_SID_PREFIX}${shortHash(bucket)}`;
/** Ids of a stage's entries in a bucket's notification configuration: every other entry is someone else's. */
export const s3NotificationPrefix = (app: string, stage: string) => `ops-${app}-${stage}-`;
export const s3NotificationId = (app: string, stage: string, fnKey: string, what: string) =>
  `${s3NotificationPrefix(app, stage)}${fnKey}-${shortHash(what)}`;
/**
 * The statements that make a Function URL with auth NONE public, on the `live` alias. Since October 2025 AWS
 * requires both for a new URL: lambda:InvokeFunctionUrl (condition FunctionUrlAuthType NONE) and
 * lambda:InvokeFunction limited by the InvokedViaFunctionUrl condition to calls through the URL.
 */
export const FUNCTION_URL_STATEMENTS = {
  url: 'ops-function-url',
  invoke: 'ops-function-url-invoke',
} as const;
/** Id of the one target ops puts on each of its EventBridge rules. */
export const RULE_TARGET_ID = 'live';

/** `amadeus/client-id` → `AMADEUS_CLIENT_ID`. */
export const upperSnake = (s: string) =>
  s
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();

/** Environment variable holding a parameter's SSM name. */
export const paramEnvName = (name: string) => `OPS_PARAM_${upperSnake(name)}`;
/** Environment variable holding a parameter's value (resolved at deploy time, or for local runs). */
export const paramValueEnvName = (name: string) => `OPS_PARAM_VALUE_${upperSnake(name)}`;
/** The alias every deploy moves to the new version: what takes traffic, where async settings and provisioned concurrency live. */
export const LIVE_ALIAS = 'live';

/** Environment variable holding an invoked function's name, qualified with its live alias. */
export const invokeEnvName = (key: string) => `${upperSnake(key)}_FUNCTION_NAME`;

/**
 * What `invokes` puts in that variable: `name:live`, which Lambda's Invoke takes as a function name, so a
 * call from inside the fleet runs the version deploys and rollbacks move, with the alias's async settings
 * (retries, on-failure destination) and provisioned concurrency, never `$LATEST`.
 */
export const invokeTarget = (app: string, stage: string, key: string) => `${physicalName(app, stage, key)}:${LIVE_ALIAS}`;

/**
 * Tags ops puts on a function whose `live` alias has asynchronous invocation settings or
 * provisioned concurrency: they tell the reader which functions to ask about them (two calls per
 * function otherwise, for settings few functions have).
 */
export const ASYNC_MARKER_TAG = 'ops:async';
export const PROVISIONED_MARKER_TAG = 'ops:provisioned';
/**
 * On a function whose `live` alias policy may hold a statement ops added (a route's, a trigger's, an authorizer's, a
 * public URL's): the whole-stage reader asks for the policy of marked functions only (GetPolicy per function was a
 * third of a large fleet's read). Set before the first statement (the function's tags), taken off after the last.
 */
export const POLICY_MARKER_TAG = 'ops:policy';
/** On a function with reserved concurrency from the config: the reader asks GetFunctionConcurrency of these only. */
export const RESERVED_MARKER_TAG = 'ops:reserved';
/** On a function whose `live` has a Function URL ops made: the reader asks for the URL of marked functions only. */
export const URL_MARKER_TAG = 'ops:url';
/** On the HTTP API mapped to a custom domain ops made: its name, and the hosted zone of its alias record (when any). */
export const DOMAIN_MARKER_TAG = 'ops:domain';
export const DOMAIN_ZONE_TAG = 'ops:domain-zone';

/** Tags every resource ops creates carries; ownership is decided by them. */
export const OWNER_APP_TAG = 'ops:app';
export const OWNER_STAGE_TAG = 'ops:stage';
/** On each function and what belongs to one (rules, alarms): the function's key in the config. */
export const FUNCTION_KEY_TAG = 'ops:function';
export const ownershipTags = (app: string, stage: string) => ({ [OWNER_APP_TAG]: app, [OWNER_STAGE_TAG]: stage });

/** The app and stage a resource's ops tags name (either may be absent). */
export const ownerOf = (tags: Record<string, string> | undefined) => ({ app: tags?.[OWNER_APP_TAG], stage: tags?.[OWNER_STAGE_TAG] });

/**
 * `undefined` when the tags say app/stage owns the resource, else why not (for `actual.foreign`).
 * Exact equality of both tags: a name prefix or an IAM path never makes a resource ours.
 */
export function notOwnedReason(tags: Record<string, string> | undefined, app: string, stage: string): string | undefined {
  const { app: a, stage: s } = ownerOf(tags);
  if (a === app && s === stage) return undefined;
  if (a === undefined && s === undefined) return 'no ops:app/ops:stage tags';
  return `tagged for app ${a ?? '?'} stage ${s ?? '?'}`;
}

/**
 * True when a resource found under our name prefix is another ops stage's (or app's) own, named
 * `{itsApp}-{itsStage}-…`: stage `dev` lists `tasks-dev-x-*` by prefix, and those belong to stage
 * `dev-x`. Such a resource is left alone like any foreign one, but not worth a warning in every plan.
 */
export function isOtherStagesOwn(name: string, owner: { app?: string; stage?: string } | undefined, app: string, stage: string): boolean {
  const a = owner?.app;
  const s = owner?.stage;
  if (!a || !s || (a === app && s === stage)) return false;
  return name.startsWith(`${a}-${s}-`);
}

/** The `actual.foreign` entry for a resource that is not ours; `undefined` when it is ours or another stage's own. */
export function foreignEntry(
  type: string,
  name: string,
  tags: Record<string, string> | undefined,
  app: string,
  stage: string,
): { type: string; name: string; reason: string } | undefined {
  const reason = notOwnedReason(tags, app, stage);
  if (!reason) return undefined;
  return isOtherStagesOwn(name, ownerOf(tags), app, stage) ? undefined : { type, name, reason };
}

/** Lambda function names and IAM role names are limited to 64 characters. */
export const MAX_NAME_LENGTH = 64;

/** Name of the one inline policy on every role ops manages. */
export const ROLE_POLICY_NAME = 'ops-function';

/**
 * IAM path of every role ops manages for an app and stage: `/ops/{app}/{stage}/`. `ListRoles({ PathPrefix })`
 * finds the candidates (the trailing `/` keeps `dev` from `dev-x`); only the tags make one ours.
 */
export const rolePath = (scope: { app: string; stage: string }) => `/ops/${scope.app}/${scope.stage}/`;

/** `aws`, or `aws-cn` / `aws-us-gov` for the regions of those partitions. */
export function partition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `arn:{partition}:{service}:{region}:{account}:{resource}`, the partition taken from the region. */
const awsArn = (service: string, region: string, accountId: string, resource: string) =>
  `arn:${partition(region)}:${service}:${region}:${accountId}:${resource}`;

/** IAM is global: no region in the ARN, but the partition still follows the region. `name` may hold a path (`team/x`). */
export const iamRoleArn = (region: string, accountId: string, name: string) => `arn:${partition(region)}:iam::${accountId}:role/${name}`;

/** A role ops manages, under the stage's role path. */
export const roleArn = (fleet: { app: string; stage: string; region: string }, accountId: string, roleName: string) =>
  iamRoleArn(fleet.region, accountId, `${rolePath(fleet).slice(1)}${roleName}`);

export const functionArn = (region: string, accountId: string, name: string) => awsArn('lambda', region, accountId, `function:${name}`);

export const liveAliasArn = (region: string, accountId: string, name: string) => `${functionArn(region, accountId, name)}:${LIVE_ALIAS}`;

export const logGroupArn = (region: string, accountId: string, logGroup: string) =>
  awsArn('logs', region, accountId, `log-group:${logGroup}`);

/** `path` starts with `/`, so no separator after `parameter`. */
export const paramArn = (region: string, accountId: string, path: string) => awsArn('ssm', region, accountId, `parameter${path}`);

export const layerArn = (region: string, accountId: string, name: string) => awsArn('lambda', region, accountId, `layer:${name}`);

/** What a function's configuration names for a layer version this plan publishes; the executor puts the real ARN in. */
export const pendingLayerVersionArn = (layerArnValue: string) => `${layerArnValue}:(next)`;
/** The layer name of a pending version ARN, or undefined for any other ARN. */
export const pendingLayerName = (arn: string) => /^arn:[^:]+:lambda:[^:]+:[^:]+:layer:([^:]+):\(next\)$/.exec(arn)?.[1];

/** A rule on the default bus is `rule/{name}`; on another bus `rule/{bus}/{name}`. */
export const ruleArn = (region: string, accountId: string, name: string, bus = 'default') =>
  awsArn('events', region, accountId, `rule/${bus === 'default' ? '' : `${bus}/`}${name}`);
/** A rule's key in the read: its name, `bus/name` on a bus other than the default. */
export const ruleKey = (name: string, bus?: string) => (bus && bus !== 'default' ? `${bus}/${name}` : name);
/** The bus a rule ARN names (`default` for `rule/{name}`). */
export const busOfRuleArn = (arn: string) => /:rule\/([^/]+)\/[^/]+$/.exec(arn)?.[1] ?? 'default';

export const alarmArn = (region: string, accountId: string, name: string) => awsArn('cloudwatch', region, accountId, `alarm:${name}`);

/** An HTTP API as execute-api names it: the prefix of its routes' ARNs. */
export const executeApiArn = (region: string, accountId: string, apiId: string) => awsArn('execute-api', region, accountId, apiId);

/** On a `live` alias: `ops-rest-api-{hash of METHOD /path}`, one statement per REST route. */
export const REST_API_PERMISSION_PREFIX = 'ops-rest-api-';

/**
 * What a REST route's permission allows: any stage, the route's method (`*` for ANY) and path, path
 * parameters as `*` (execute-api matches the request's path, `/users/42`, not `/users/{id}`).
 */
export const restRouteSourceArn = (region: string, accountId: string, apiId: string, method: string, path: string) =>
  `${executeApiArn(region, accountId, apiId)}/*/${method === 'ANY' ? '*' : method}${path.replace(/\{[^}]+\}/g, '*')}`;

/** The statement id of one REST route's permission on `live`. */
export const restPermissionSid = (method: string, path: string, key?: string) =>
  `${restPermissionPrefix(key)}${shortHash(`${method} ${path}`)}`;
export const restPermissionPrefix = (key?: string) => (key ? namedApiSidPrefix(key, 'm') : REST_API_PERMISSION_PREFIX);

/** A REST API's AWS_PROXY integration URI: Lambda's Invoke on the function's `live` alias. */
export const restIntegrationUri = (region: string, accountId: string, name: string) =>
  `arn:${partition(region)}:apigateway:${region}:lambda:path/2015-03-31/functions/${liveAliasArn(region, accountId, name)}/invocations`;

/** The function a REST integration URI invokes (its `live` alias), or undefined for any other URI. */
export const functionOfRestUri = (uri: string | undefined) => /:function:([^:/]+):live\/invocations$/.exec(uri ?? '')?.[1];

/** An HTTP API's URL: its endpoint, under its named stage when it has one (`$default` serves the root). */
export const httpApiUrl = (endpoint: string | undefined, stage?: string) => (endpoint && stage ? `${endpoint}/${stage}` : endpoint);

/** A REST API stage's invoke URL. */
export const restApiUrl = (apiId: string, region: string, stage: string) => `https://${apiId}.execute-api.${region}.amazonaws.com/${stage}`;

/** Any route of one API, on its named stage (an HTTP API's `api.stage`) or any stage. */
export const apiSourceArn = (region: string, accountId: string, apiId: string, stage = '*') =>
  `${executeApiArn(region, accountId, apiId)}/${stage}/*`;

/** On each of the fleet's own resources (tables, buckets, ...): its key in the config's `resources`. */
export const RESOURCE_KEY_TAG = 'ops:resource';
/**
 * `destroy` on a resource whose config says `removal: 'destroy'`: a resource that has left the config is
 * deleted only when its own tags said so (the config no longer can); without the tag it is kept.
 */
export const REMOVAL_TAG = 'ops:removal';
/**
 * `true` on a resource ops took over (`adopt: true`) rather than created. Kinds that ops deletes when they leave the
 * config (topics) keep an adopted one: someone else made it, and others may still publish to it or read from it.
 */
export const ADOPTED_TAG = 'ops:adopted';
/**
 * On an adopted function: the newest version it had when ops took it over. Versions up to it were published by
 * someone else (callers' aliases may point at them): ops never prunes them.
 */
export const ADOPTED_UPTO_TAG = 'ops:adopted-upto';
/**
 * On a declared topic: the subscriptions ops made on it (to email, sqs, https... endpoints), as short hashes of
 * protocol and endpoint. Subscriptions cannot be tagged: this is how ops removes only its own, never one made by
 * hand on an adopted topic. A tag value holds 256 characters: 28 subscriptions.
 */
export const TOPIC_SUBSCRIPTIONS_TAG = 'ops:subscriptions';
export const MAX_TOPIC_SUBSCRIPTIONS = 28;
export const subscriptionMark = (protocol: string, endpoint: string) => shortHash(`${protocol}\0${endpoint}`);

/** `{app}-{stage}-{key}`, with the `.fifo` AWS requires of a FIFO queue's or topic's name. */
export const resourceName = (app: string, stage: string, key: string, opts: { fifo?: boolean } = {}) =>
  `${physicalName(app, stage, key)}${opts.fifo ? '.fifo' : ''}`;

/** The variable that carries a resource to a handler, by type (`alerts` table → `ALERTS_TABLE`). */
export function resourceEnvName(key: string, type: 'table' | 'bucket' | 'queue' | 'topic' | 'secret'): string {
  const suffix = { table: 'TABLE', bucket: 'BUCKET', queue: 'QUEUE_URL', topic: 'TOPIC_ARN', secret: 'SECRET_NAME' }[type];
  return `${upperSnake(key)}_${suffix}`;
}

export const tableArn = (region: string, accountId: string, name: string) => awsArn('dynamodb', region, accountId, `table/${name}`);
/** Every stream of one table, past and future (a stream's ARN ends in a label known once it is on). */
export const tableStreamsArn = (region: string, accountId: string, name: string) => `${tableArn(region, accountId, name)}/stream/*`;
/** The table a stream ARN (`…:table/{name}/stream/{label}`) belongs to. */
export const tableOfStreamArn = (arn: string) => /:table\/([^/]+)\/stream\//.exec(arn)?.[1] ?? '';
/** Every index of one table (and nothing of another table: the name is followed by `/index/`). */
export const tableIndexesArn = (region: string, accountId: string, name: string) => `${tableArn(region, accountId, name)}/index/*`;
/** S3 ARNs hold neither region nor account; the partition still follows the region. */
export const bucketArn = (region: string, name: string) => `arn:${partition(region)}:s3:::${name}`;
export const bucketObjectsArn = (region: string, name: string) => `${bucketArn(region, name)}/*`;
export const queueArn = (region: string, accountId: string, name: string) => awsArn('sqs', region, accountId, name);
/** What SQS calls take: `https://sqs.{region}.amazonaws.com/{account}/{name}` (`.com.cn` in China). */
export const queueUrl = (region: string, accountId: string, name: string) =>
  `https://sqs.${region}.amazonaws.com${partition(region) === 'aws-cn' ? '.cn' : ''}/${accountId}/${name}`;
export const topicArn = (region: string, accountId: string, name: string) => awsArn('sns', region, accountId, name);
/** Secrets Manager appends `-` and 6 random characters to a secret's ARN: `??????` matches exactly those. */
export const secretArnPattern = (region: string, accountId: string, name: string) =>
  awsArn('secretsmanager', region, accountId, `secret:${name}-??????`);

/** The region of an ARN (`arn:aws:sns:{region}:…`). */
export const regionOfArn = (arn: string) => arn.split(':')[3] ?? '';

/** The last part of an ARN, for display: a topic's name. */
export const shortArn = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

/**
 * The Lambda ARN an integration invokes. HTTP APIs accept the function ARN itself, but an
 * integration made elsewhere may carry the `apigateway:…:lambda:path/…/invocations` form.
 */
export function integrationTarget(uri: string): string {
  const m = /^arn:[^:]+:apigateway:[^:]+:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/.exec(uri);
  return m ? m[1] : uri;
}

/** Function name of a Lambda function or alias ARN, or undefined for anything else. */
export function functionNameOfArn(arn: string): string | undefined {
  const m = /^arn:[^:]+:lambda:[^:]+:[^:]+:function:([^:]+)(:[^:]+)?$/.exec(arn);
  return m ? m[1] : undefined;
}
