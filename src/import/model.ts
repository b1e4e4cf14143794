import type { CorsSpec } from '../config/types.js';

/*
 * What `ops import` read of a running fleet (src/aws/import-functions.ts, src/aws/import-triggers.ts), in the
 * shape the config writer (src/import/config-text.ts) needs. Types only: AWS's field names are already mapped.
 */

/** An EventBridge rule on the default bus that targets the function. */
export interface ImportedRule {
  name: string;
  schedule?: string;
  /** The rule's event pattern, parsed. */
  pattern?: Record<string, unknown>;
  description?: string;
  enabled: boolean;
  /** The target's constant input, parsed; absent when EventBridge sends the matched event. */
  input?: unknown;
  /** Why ops cannot keep the rule as it is (another target too, an input transformer...); the rule is then left alone. */
  unsupported?: string;
}

/** An event source mapping of the function. */
export interface ImportedMapping {
  uuid: string;
  sourceArn: string;
  kind: 'sqs' | 'dynamodb' | 'other';
  batchSize?: number;
  batchWindow?: number;
  maxConcurrency?: number;
  reportBatchItemFailures: boolean;
}

/** An HTTP API route whose integration invokes the function. */
export interface ImportedRoute {
  apiId: string;
  routeKey: string;
}

/** An HTTP API that routes to at least one imported function. */
export interface ImportedApi {
  id: string;
  name: string;
  /** Why ops cannot own it as it is (a route to something not imported, an authorizer); it is then left alone. */
  unsupported?: string;
  /** The named stage it serves, when it has no `$default` one. */
  stage?: string;
  cors?: CorsSpec;
}

export interface ImportedFunction {
  name: string;
  arn: string;
  packageType: 'Zip' | 'Image';
  runtime?: string;
  /** Lambda's Handler field (`lambda_function.lambda_handler`, `index.handler`). */
  handler?: string;
  memory?: number;
  timeout?: number;
  architecture?: 'arm64' | 'x86_64';
  description?: string;
  ephemeralStorage?: number;
  tracing?: 'Active' | 'PassThrough';
  environment: Record<string, string>;
  /** The execution role's name (ops keeps an existing role by name and never changes it). */
  roleName?: string;
  layers: string[];
  vpc?: { subnetIds: string[]; securityGroupIds: string[] };
  tags: Record<string, string>;
  reservedConcurrency?: number;
  /** Alias names other than `live` (kept untouched by ops). */
  aliases: string[];
  codeLocation?: string;
  codeSha256?: string;
  rules: ImportedRule[];
  sns: { topicArn: string; filterPolicy?: Record<string, unknown> }[];
  mappings: ImportedMapping[];
  routes: ImportedRoute[];
  /** Days, `'never'` (a group without retention), or undefined when there is no log group yet. */
  logRetentionDays?: number | 'never';
  hasUrl: boolean;
  hasDestinations: boolean;
  /** The function's own resource policy: who may invoke it (callers import does not read otherwise show here). */
  callers: ImportedCaller[];
}

/** One statement of the function's resource policy. */
export interface ImportedCaller {
  sid: string;
  /** A service (`s3.amazonaws.com`) or an account / ARN. */
  principal: string;
  sourceArn?: string;
}

export interface ImportedFleet {
  app: string;
  region: string;
  /** The stage the kept names belong to. */
  stage: string;
  functions: ImportedFunction[];
  apis: ImportedApi[];
}
