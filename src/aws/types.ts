import type { CorsSpec } from '../config/types.js';

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
  Resource?: string | string[];
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
  alias?: { version: string; revisionId?: string };
  /**
   * Published versions (not $LATEST), oldest first, each with the configuration it was
   * published with: an interrupted deploy (code updated, never published) shows up as
   * `live` pointing at a version whose code or configuration differs from the desired.
   */
  versions: { version: string; codeSha256: string; config: FunctionConfiguration; lastModified?: string; description?: string }[];
  /** Resource policy statements on the `live` alias. */
  aliasPolicy: PolicyStatement[];
  reservedConcurrency?: number;
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
  routes: { id: string; key: string; target?: string }[];
  stages: { name: string; autoDeploy: boolean }[];
}

/** Everything ops owns for one app and stage. Keys of the maps are physical names. */
export interface Actual {
  accountId: string;
  region: string;
  roles: Record<string, ActualRole>;
  functions: Record<string, ActualFunction>;
  logGroups: Record<string, ActualLogGroup>;
  api?: ActualApi;
  /** Resources with our naming but without our tags: never changed, reported in the plan. */
  foreign: { type: string; name: string; reason?: string }[];
}
