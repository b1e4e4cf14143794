import { LIVE_ALIAS } from '../config/naming.js';
import { partition } from '../config/refs.js';
import type { Fleet } from '../config/types.js';

// The alias every deploy moves; integrations and permissions point at it, never at $LATEST.
export { LIVE_ALIAS, partition };
/** Sid of the statement that lets the fleet's HTTP API invoke a function's `live` alias. */
export const API_PERMISSION_SID = 'ops-http-api';
/** Statements on `live` that let a schedule rule or an SNS topic invoke it: `ops-rule-{rule}`, `ops-sns-{hash of the topic}`. */
export const RULE_SID_PREFIX = 'ops-rule-';
export const SNS_SID_PREFIX = 'ops-sns-';

/** IAM path of every role ops manages for a stage: `/ops/{app}/{stage}/`. */
export const rolePath = (fleet: Pick<Fleet, 'app' | 'stage'>) => `/ops/${fleet.app}/${fleet.stage}/`;

export const roleArn = (fleet: Pick<Fleet, 'app' | 'stage' | 'region'>, accountId: string, roleName: string) =>
  `arn:${partition(fleet.region)}:iam::${accountId}:role${rolePath(fleet)}${roleName}`;

export const functionArn = (region: string, accountId: string, name: string) =>
  `arn:${partition(region)}:lambda:${region}:${accountId}:function:${name}`;

export const liveAliasArn = (region: string, accountId: string, name: string) => `${functionArn(region, accountId, name)}:${LIVE_ALIAS}`;

export const logGroupArn = (region: string, accountId: string, logGroup: string) =>
  `arn:${partition(region)}:logs:${region}:${accountId}:log-group:${logGroup}`;

/** `path` starts with `/`, so no separator after `parameter`. */
export const paramArn = (region: string, accountId: string, path: string) =>
  `arn:${partition(region)}:ssm:${region}:${accountId}:parameter${path}`;

export const layerArn = (region: string, accountId: string, name: string) =>
  `arn:${partition(region)}:lambda:${region}:${accountId}:layer:${name}`;

/** What a function's configuration names for a layer version this plan publishes; the executor puts the real ARN in. */
export const pendingLayerVersionArn = (layerArnValue: string) => `${layerArnValue}:(next)`;
/** The layer name of a pending version ARN, or undefined for any other ARN. */
export const pendingLayerName = (arn: string) => /^arn:[^:]+:lambda:[^:]+:[^:]+:layer:([^:]+):\(next\)$/.exec(arn)?.[1];

export const ruleArn = (region: string, accountId: string, name: string) =>
  `arn:${partition(region)}:events:${region}:${accountId}:rule/${name}`;

/** The region of an ARN (`arn:aws:sns:{region}:…`). */
export const regionOfArn = (arn: string) => arn.split(':')[3] ?? '';

/** The last part of an ARN, for display: a topic's name. */
export const shortArn = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

/** Any stage, any route of one API. */
export const apiSourceArn = (region: string, accountId: string, apiId: string) =>
  `arn:${partition(region)}:execute-api:${region}:${accountId}:${apiId}/*/*`;

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
