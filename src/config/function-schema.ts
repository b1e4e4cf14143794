import * as z from 'zod';
import { routeKeyFields } from './api-keys.js';
import { routeAuthFields } from './authorizers.js';
import { INHERITED_DEFAULTS } from './defaults.js';
import { functionDeploySchema } from './deploy-strategy.js';
import { dynamodbTrigger, eventPatternTrigger, ruleFields } from './event-triggers.js';
import {
  architecture,
  environment,
  envName,
  globs,
  layer,
  memory,
  paramRef,
  roleRef,
  runtime,
  statementSchema,
  tags,
  timeout,
  vpc,
} from './field-schemas.js';
import { functionUrlSchema } from './function-url.js';
import { scheduleProblem } from './iam.js';
import { keptNameSchema } from './kept-name.js';
import { functionRetention } from './log-retention.js';
import { ACCOUNT_PART, FUNCTION_REF_FIELDS, REGION_PART } from './refs.js';
import { usesSchema } from './resource-schema.js';

/* One function of the fleet as the author writes it: its routes, triggers, alarms, bundle and the rest. */

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;

/** `GET /tasks/{id}`, `ANY /api/{proxy+}` or `$default`. */
export const ROUTE_PATTERN =
  /^(\$default|(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (\/|(\/([A-Za-z0-9._~:@!$&'()*,;=-]+|\{[A-Za-z_][A-Za-z0-9_]*\}|\{[A-Za-z_][A-Za-z0-9_]*\+\}))+))$/;
const route = z
  .string()
  .regex(ROUTE_PATTERN, 'a route is "METHOD /path" (GET /tasks/{id}, ANY /api/{proxy+}) or "$default"')
  .refine((r) => !/\+\}./.test(r), { message: 'a greedy {name+} segment must be the last one' });

const invokeRef = z.union([
  z.string(),
  z.strictObject({
    function: z.string(),
    /** Default `{FUNCTION}_FUNCTION_NAME` (`_FUNCTION_ARN` for the ARN forms). */
    env: envName.optional(),
    /** Default `qualifiedName` (`name:live`). */
    value: z.enum(FUNCTION_REF_FIELDS).optional(),
  }),
]);

const scheduleTrigger = z.strictObject({
  schedule: z.string().superRefine((v, ctx) => {
    const problem = scheduleProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  ...ruleFields('schedule'),
});
const snsTopicArn = z
  .string()
  .regex(
    new RegExp(`^arn:aws[a-z-]*:sns:${REGION_PART}:${ACCOUNT_PART}:[A-Za-z0-9_-]+(\\.fifo)?$`),
    'must be an SNS topic ARN (arn:aws:sns:region:account:topic)',
  );
/** A topic's ARN, or the key of a topic in the fleet's `resources` (no `:`): validate-resources.ts checks it is one. */
const snsTopicRef = z
  .string()
  .refine(
    (s) => (s.includes(':') ? snsTopicArn.safeParse(s).success : /^[A-Za-z0-9_-]+$/.test(s)),
    'must be an SNS topic ARN (arn:aws:sns:region:account:topic) or the key of a topic in resources',
  );
const snsTrigger = z.strictObject({ sns: snsTopicRef, filterPolicy: z.record(z.string(), z.unknown()).optional() });
/** An event source mapping from a queue of the fleet's `resources` (its key) to `live`. */
const sqsTrigger = z.strictObject({
  sqs: z.string().min(1, 'sqs names a queue of resources (its key)'),
  /** Messages per invocation: 1..10,000 (a FIFO queue: up to 10); default 10. */
  batchSize: z.number().int().min(1, 'batchSize is 1..10000').max(10000, 'batchSize is 1..10000').optional(),
  /** Seconds Lambda gathers messages before invoking: 0..300; default 0. */
  batchWindow: z.number().int().min(0, 'batchWindow is 0..300 seconds').max(300, 'batchWindow is 0..300 seconds').optional(),
  /** Concurrent invocations the queue may cause: 2..1000; default Lambda's (unbounded up to the account's). */
  maxConcurrency: z.number().int().min(2, 'maxConcurrency is 2..1000').max(1000, 'maxConcurrency is 2..1000').optional(),
  /** Default true: the handler returns `batchItemFailures`, so one bad message does not fail the batch. */
  reportBatchItemFailures: z.boolean().optional(),
});
/** S3 object events of a bucket of `resources` (its key) or of an existing bucket (its name) → `live`. */
const s3Trigger = z.strictObject({
  s3: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,62}$/, 's3 names a bucket of resources (its key) or an existing bucket (its name)'),
  /** S3 event types; default `['s3:ObjectCreated:*']`. */
  events: z
    .array(z.string().regex(/^s3:[A-Za-z]+(:[A-Za-z*]+)?$/, "an S3 event type is like 's3:ObjectCreated:*'"))
    .min(1)
    .optional(),
  prefix: z.string().min(1).max(1024).optional(),
  suffix: z.string().min(1).max(1024).optional(),
});
const trigger = z.union([scheduleTrigger, snsTrigger, sqsTrigger, s3Trigger, dynamodbTrigger, eventPatternTrigger]);

export const ALARM_METRICS = ['Errors', 'Throttles', 'Duration'] as const;
export const COMPARISON_OPERATORS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
] as const;
/** CloudWatch's TreatMissingData values. */
export const TREAT_MISSING_DATA = ['missing', 'notBreaching', 'breaching', 'ignore'] as const;
const alarm = z
  .strictObject({
    metric: z.enum(ALARM_METRICS),
    /** Alarm name suffix (`{app}-{stage}-{fn}-{name}`); default `{metric}-{n}`. */
    name: z
      .string()
      .max(60)
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$/, 'an alarm name is letters, digits, - and _')
      .optional(),
    /** The alarm's full kept physical name (src/config/kept-name.ts), instead of `{app}-{stage}-{fn}-{name}`. */
    alarmName: keptNameSchema.optional(),
    /** Take over an existing untagged alarm named `alarmName`: tagged in place (src/resources/alarm/plan-adopt.ts). */
    adopt: z.boolean().optional(),
    /** AlarmDescription: what the alarm means and what to do, shown with every notification. */
    description: z.string().max(1024).optional(),
    threshold: z.number(),
    periodSeconds: z
      .number()
      .int()
      .min(10)
      .refine((p) => p === 10 || p === 30 || p % 60 === 0, { message: 'a period is 10, 30 or a multiple of 60 seconds' })
      .default(300),
    evaluationPeriods: z.number().int().min(1).default(1),
    /** Default: Sum for Errors and Throttles, p99 for Duration. */
    statistic: z
      .union([
        z.enum(['Sum', 'Average', 'Maximum', 'Minimum', 'SampleCount']),
        z
          .string()
          .regex(/^p(\d{1,2}(\.\d{1,2})?|100)$/, 'a statistic is Sum, Average, Maximum, Minimum, SampleCount or a percentile (p99)'),
      ])
      .optional(),
    /** Default GreaterThanOrEqualToThreshold. */
    comparison: z.enum(COMPARISON_OPERATORS).optional(),
    /** "M out of N": how many of the evaluation periods must breach; default all of them. */
    datapointsToAlarm: z.number().int().min(1).optional(),
    /** What a period without data counts as; default `missing` (CloudWatch's). */
    treatMissingData: z.enum(TREAT_MISSING_DATA).optional(),
    /** The topic notified when the alarm fires; without it the alarm only changes state (seed 003's alarm). */
    snsTopicArn: snsTopicArn.optional(),
  })
  .refine((a) => a.datapointsToAlarm === undefined || a.datapointsToAlarm <= a.evaluationPeriods, {
    message: 'datapointsToAlarm must not exceed evaluationPeriods (CloudWatch refuses it)',
    path: ['datapointsToAlarm'],
  });

const bundle = z.strictObject({
  /** Emit a source map next to the bundle (and enable `--enable-source-maps`). */
  sourcemap: z.boolean().optional(),
  minify: z.boolean().optional(),
  /** Extra module names left out of the bundle. */
  external: z.array(z.string()).optional(),
  /** Bundle `@aws-sdk/*` instead of using the copy the Lambda runtime ships. */
  bundleAwsSdk: z.boolean().optional(),
});

export const functionSchema = z.strictObject({
  /** Node: `src/functions/x/handler.ts` (export `handler`) or `src/functions/x/handler.main`; Python: `src/functions/x/lambda_function.lambda_handler`. */
  handler: z.string().min(1),
  /** The physical name to keep (issue 16.3: src/config/kept-name.ts), instead of `{app}-{stage}-{key}`. */
  name: keptNameSchema.optional(),
  /** Take over an existing untagged function of that name in place (tagged, never recreated). */
  adopt: z.boolean().optional(),
  runtime: runtime.optional(),
  description: z.string().max(256).optional(),
  memory: memory.optional(),
  timeout: timeout.optional(),
  architecture: architecture.optional(),
  ephemeralStorage: z.number().int().min(512).max(10240).optional(),
  environment: environment.optional(),
  tags: tags.optional(),
  /** A route, or `{ route, auth, scopes, api }` to name its authorizer (src/config/authorizers.ts) or its API (a key of `apis`). */
  routes: z
    .array(z.union([route, z.strictObject({ route, ...routeAuthFields, ...routeKeyFields, api: z.string().optional() })]))
    .optional(),
  params: z.array(paramRef).optional(),
  /** Functions of the fleet this one invokes: a name, or `{ function, env, value }` to choose the variable and what it holds. */
  invokes: z.array(invokeRef).optional(),
  permissions: z.array(statementSchema).optional(),
  /** The fleet's resources this function uses and how (`{ alerts: 'readwrite' }`): its grants and variables follow. */
  uses: usesSchema.optional(),
  role: roleRef.optional(),
  /** The name of the role ops makes for this function (a kept name: `{stage}` in it, or one by stage); not with `role`. */
  roleName: keptNameSchema.optional(),
  logRetentionDays: functionRetention.optional(),
  triggers: z.array(trigger).optional(),
  vpc: vpc.optional(),
  layers: z.array(layer).max(5, 'a function can use at most 5 layers').optional(),
  reservedConcurrency: z.number().int().min(0).optional(),
  provisionedConcurrency: z.number().int().min(1).optional(),
  tracing: z.enum(['Active', 'PassThrough']).optional(),
  async: z
    .strictObject({
      maxRetries: z.number().int().min(0).max(2).optional(),
      maxEventAgeSeconds: z.number().int().min(60).max(21600).optional(),
      /** Where events that failed every attempt go: an SQS, SNS, Lambda or EventBridge ARN, or a function of this fleet. */
      onFailure: z.string().min(1).optional(),
    })
    .optional(),
  alarms: z.array(alarm).optional(),
  /** A Function URL on `live`: `true` (AWS_IAM auth) or `{ auth, cors, invokeMode }` (src/config/function-url.ts). */
  url: functionUrlSchema.optional(),
  /** How `live` moves to a new version: strategy, alarms, thresholds (src/config/deploy-strategy.ts). */
  deploy: functionDeploySchema.optional(),
  bundle: bundle.optional(),
  /** Python only: directory whose contents become the zip root (default: the handler's directory). */
  root: z.string().optional(),
  /** Python only: requirements file (default: `requirements.txt` in the root, when present). */
  requirements: z.string().optional(),
  /** Python only: files the default rules leave out (sample events, tests, ops config) packaged anyway. */
  include: globs.optional(),
  /** Python only: files left out of the zip. */
  exclude: globs.optional(),
  /** Fields of `defaults` this function does not take (`['vpc']`), or `true` for none of the lists and objects. */
  ignoreDefaults: z.union([z.literal(true), z.array(z.enum(INHERITED_DEFAULTS))]).optional(),
});

export type FunctionConfig = z.input<typeof functionSchema>;
export type ParsedFunction = z.output<typeof functionSchema>;
