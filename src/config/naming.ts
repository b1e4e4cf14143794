import { createHash } from 'node:crypto';
import path from 'node:path';

/** Physical names on AWS, all derived from app and stage so two stages never collide. */
export const physicalName = (app: string, stage: string, key: string) => `${app}-${stage}-${key}`;
export const paramPath = (app: string, stage: string, name: string) => `/${app}/${stage}/${name}`;
export const paramPrefix = (app: string, stage: string) => `/${app}/${stage}/`;
export const logGroupName = (functionName: string) => `/aws/lambda/${functionName}`;
export const apiName = (app: string, stage: string) => `${app}-${stage}`;
/**
 * The stage lease (an SSM parameter). `_` cannot start an app name, so no fleet's params
 * (`/{app}/{stage}/...`) can ever sit at or under it; `/{app}/{stage}` ends the name, so `dev` is never `dev-x`.
 */
export const leaseParamName = (app: string, stage: string) => `/_ops/lease/${app}/${stage}`;

/**
 * The stage's lease epoch: an SSM parameter whose version goes up by one each time a run takes the lease.
 * A run that saw the lease free and the epoch at version v before reading, and gets v + 1 when it takes
 * the lease, knows that no run held the lease (so none wrote) while it read.
 */
export const leaseEpochParamName = (app: string, stage: string) => `/_ops/lease-epoch/${app}/${stage}`;

/** First 8 hex characters of the sha256 of `text`: a short name that stays the same while the text does. */
export const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

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

/** Statement ids on a `live` alias policy, one per trigger. */
export const ruleStatementId = (rule: string) => `ops-rule-${rule}`;
export const snsStatementId = (topicArn: string) => `ops-sns-${shortHash(topicArn)}`;

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
/** On a function whose `live` has a Function URL ops made: the reader asks for the URL of marked functions only. */
export const URL_MARKER_TAG = 'ops:url';

/** Tags every resource ops creates carries; ownership is decided by them. */
export const ownershipTags = (app: string, stage: string) => ({ 'ops:app': app, 'ops:stage': stage });

/** Lambda function names and IAM role names are limited to 64 characters. */
export const MAX_NAME_LENGTH = 64;

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** The closest candidate within a small distance, or undefined. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

/** Name of the one inline policy on every role ops manages. */
export const ROLE_POLICY_NAME = 'ops-function';
