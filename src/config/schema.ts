import { z } from 'zod';
import { functionUrlSchema } from './function-url.js';
import { scheduleProblem, statementProblems } from './iam.js';
import { AWS_LIMITS, count, tagProblem } from './limits.js';

import { ACCOUNT_PART, ACCOUNT_PLACEHOLDER, type FleetRef, FUNCTION_REF_FIELDS, REGION_PART, ROLE_NAME } from './refs.js';
import { RUNTIMES } from './runtimes.js';

export { RUNTIMES, type Runtime } from './runtimes.js';

/** The only retention values CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;

// Lambda refuses these as environment variable names (they are set by the runtime).
const RESERVED_ENV = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

const name = (what: string, max: number) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)
    .regex(/^[a-z](?:-?[a-z0-9])*$/, `${what} must be lowercase letters, digits and single dashes, starting with a letter`);

const envName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and _, starting with a letter')
  .refine((k) => !RESERVED_ENV.has(k), { message: 'is reserved by Lambda and cannot be set (the runtime sets it)' });

// Numbers and booleans are written as strings, as serverless.yml and SAM do (Lambda stores strings only).
/**
 * `{ ref: 'api.url' }`: a value of the fleet itself that the plan fills in (src/config/refs.ts). The
 * path is checked with the other cross-field rules, so a wrong one is named as such, not as "not a string".
 */
export const envRefSchema = z.strictObject({
  ref: z.string() as unknown as z.ZodType<FleetRef, FleetRef>,
  /** Appended to the value: `{ ref: 'api.url', suffix: '/approval' }`. */
  suffix: z.string().optional(),
});
const environment = z.record(
  envName,
  z.union([
    z
      .union([z.string(), z.number(), z.boolean()], { message: 'must be a string (numbers and booleans are written as strings)' })
      .transform(String),
    envRefSchema,
  ]),
);
// AWS's tag rules (src/config/limits.ts); how many a resource may carry is checked once ops's own are added.
const tagText = (kind: 'key' | 'value') =>
  z.string().superRefine((t, ctx) => {
    const problem = tagProblem(kind, t);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const tags = z.record(
  tagText('key').refine((k) => !k.startsWith('aws:') && !k.startsWith('ops:'), {
    message: 'tag keys starting with aws: or ops: are reserved',
  }),
  tagText('value'),
);

const memory = z
  .number()
  .int('memory must be a whole number of MB')
  .min(128, 'memory must be 128..10240 MB')
  .max(10240, 'memory must be 128..10240 MB');
const timeout = z
  .number()
  .int('timeout must be whole seconds')
  .min(1, 'timeout must be 1..900 seconds')
  .max(900, 'timeout must be 1..900 seconds');
const retention = z
  .number({ message: `log retention is a number of days, one of ${LOG_RETENTION_DAYS.join(', ')}` })
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    message: `log retention must be one of ${LOG_RETENTION_DAYS.join(', ')} days`,
  });
const architecture = z.enum(['x86_64', 'arm64']);
const runtime = z.enum(RUNTIMES, { message: `runtime must be one of ${RUNTIMES.join(', ')}` });

/** `GET /tasks/{id}`, `ANY /api/{proxy+}` or `$default`. */
export const ROUTE_PATTERN =
  /^(\$default|(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (\/|(\/([A-Za-z0-9._~:@!$&'()*,;=-]+|\{[A-Za-z_][A-Za-z0-9_]*\}|\{[A-Za-z_][A-Za-z0-9_]*\+\}))+))$/;
const route = z
  .string()
  .regex(ROUTE_PATTERN, 'a route is "METHOD /path" (GET /tasks/{id}, ANY /api/{proxy+}) or "$default"')
  .refine((r) => !/\+\}./.test(r), { message: 'a greedy {name+} segment must be the last one' });

/** An existing role: its ARN (`${account}` allowed) or its name, meaning the role of that name in this account. */
const roleRef = z
  .string()
  .refine((r) => (r.startsWith('arn:') ? new RegExp(`^arn:aws[a-z-]*:iam::${ACCOUNT_PART}:role/.+$`).test(r) : ROLE_NAME.test(r)), {
    message: `must be a role ARN (arn:aws:iam::${ACCOUNT_PLACEHOLDER}:role/name) or a role name`,
  });

const oneOrMore = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** One IAM policy statement, in the grammar IAM accepts (checked by `statementProblems`). */
export const statementSchema = z
  .strictObject({
    Sid: z
      .string()
      .regex(/^[A-Za-z0-9]*$/, 'Sid is letters and digits only')
      .optional(),
    Effect: z.enum(['Allow', 'Deny']).default('Allow'),
    Action: oneOrMore.optional(),
    NotAction: oneOrMore.optional(),
    Resource: oneOrMore.optional(),
    NotResource: oneOrMore.optional(),
    Condition: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string()), z.boolean(), z.number()]))).optional(),
  })
  .superRefine((s, ctx) => {
    for (const p of statementProblems(s)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  });

const paramRef = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().min(1),
    /** Environment variable that receives the parameter's name (or value when `resolve`). */
    env: envName.optional(),
    /** Put the plain value into the environment at deploy time instead of the name. */
    resolve: z.boolean().optional(),
  }),
]);

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
  /** Suffix of the rule name (`{app}-{stage}-{fn}-{name}`); default: a hash of the expression. */
  name: z
    .string()
    .max(20)
    .regex(/^[a-z0-9](?:-?[a-z0-9])*$/, 'a schedule name is lowercase letters, digits and single dashes')
    .optional(),
  /** Default true: false keeps the rule but disables it. */
  enabled: z.boolean().optional(),
  /** The event the function receives (sent as JSON); default: EventBridge's scheduled event. */
  input: z
    .unknown()
    .optional()
    .superRefine((v, ctx) => {
      const chars = v === undefined ? 0 : (JSON.stringify(v)?.length ?? 0);
      if (chars > AWS_LIMITS.scheduleInputChars) {
        ctx.addIssue({
          code: 'custom',
          message: `${count(chars)} characters as JSON, EventBridge allows ${count(AWS_LIMITS.scheduleInputChars)} for a target's input: send a smaller event (an id the function looks up)`,
        });
      }
    }),
  description: z.string().max(512).optional(),
});
const snsTopicArn = z
  .string()
  .regex(
    new RegExp(`^arn:aws[a-z-]*:sns:${REGION_PART}:${ACCOUNT_PART}:[A-Za-z0-9_-]+(\\.fifo)?$`),
    'must be an SNS topic ARN (arn:aws:sns:region:account:topic)',
  );
const snsTrigger = z.strictObject({ sns: snsTopicArn, filterPolicy: z.record(z.string(), z.unknown()).optional() });
const trigger = z.union([scheduleTrigger, snsTrigger]);

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

const layer = z.union([
  z
    .string()
    .regex(
      new RegExp(`^arn:aws[a-z-]*:lambda:${REGION_PART}:${ACCOUNT_PART}:layer:[A-Za-z0-9_-]+:\\d+$`),
      'must be a layer version ARN (arn:aws:lambda:region:account:layer:name:version)',
    ),
  z.strictObject({
    /** Directory that becomes the layer's root (/opt): Python modules under python/, Node modules under nodejs/node_modules/. */
    path: z.string().min(1),
    /** Python: a requirements file installed into python/ (pip). */
    requirements: z.string().optional(),
    /** Layer name suffix (`{app}-{stage}-{name}`); default: the directory's name. */
    name: z
      .string()
      .max(40)
      .regex(/^[A-Za-z0-9_-]+$/, 'a layer name is letters, digits, - and _')
      .optional(),
  }),
]);

const bundle = z.strictObject({
  /** Emit a source map next to the bundle (and enable `--enable-source-maps`). */
  sourcemap: z.boolean().optional(),
  minify: z.boolean().optional(),
  /** Extra module names left out of the bundle. */
  external: z.array(z.string()).optional(),
  /** Bundle `@aws-sdk/*` instead of using the copy the Lambda runtime ships. */
  bundleAwsSdk: z.boolean().optional(),
});

const vpc = z.strictObject({
  subnetIds: z
    .array(z.string().regex(/^subnet-[0-9a-z]+$/, 'a subnet id looks like subnet-0abc123'))
    .min(1)
    .max(16),
  securityGroupIds: z
    .array(z.string().regex(/^sg-[0-9a-z]+$/, 'a security group id looks like sg-0abc123'))
    .min(1)
    .max(5),
});

/** Globs relative to a Python function's root (`*`, `**`, `?`, `{a,b}`); a directory matches as `dir/**`. */
const globs = z.array(z.string().min(1).regex(/^[^/]/, 'a glob is relative to the function root (no leading /)'));

/** The list and object fields `defaults` gives every function, which a function may decline one by one. */
export const INHERITED_DEFAULTS = ['params', 'layers', 'permissions', 'vpc', 'root', 'include', 'exclude'] as const;

const functionSchema = z.strictObject({
  /** Node: `src/functions/x/handler.ts` (export `handler`) or `src/functions/x/handler.main`; Python: `src/functions/x/lambda_function.lambda_handler`. */
  handler: z.string().min(1),
  runtime: runtime.optional(),
  description: z.string().max(256).optional(),
  memory: memory.optional(),
  timeout: timeout.optional(),
  architecture: architecture.optional(),
  ephemeralStorage: z.number().int().min(512).max(10240).optional(),
  environment: environment.optional(),
  tags: tags.optional(),
  routes: z.array(route).optional(),
  params: z.array(paramRef).optional(),
  /** Functions of the fleet this one invokes: a name, or `{ function, env, value }` to choose the variable and what it holds. */
  invokes: z.array(invokeRef).optional(),
  permissions: z.array(statementSchema).optional(),
  role: roleRef.optional(),
  logRetentionDays: retention.optional(),
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

export const fleetSchema = z.strictObject({
  app: name('app', 24),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'region looks like us-east-1')
    .optional(),
  /** An existing role (ARN or name) used by every function that does not name its own. */
  role: roleRef.optional(),
  defaults: z
    .strictObject({
      runtime: runtime.optional(),
      memory: memory.optional(),
      timeout: timeout.optional(),
      architecture: architecture.optional(),
      logRetentionDays: retention.optional(),
      environment: environment.optional(),
      tags: tags.optional(),
      /** Added to every function's own (a function's entry for the same param wins). */
      params: z.array(paramRef).optional(),
      /** Put before every function's own layers. */
      layers: z.array(layer).max(5, 'a function can use at most 5 layers').optional(),
      /** Added to every function's own statements. */
      permissions: z.array(statementSchema).optional(),
      /** Every function's VPC unless it names its own. */
      vpc: vpc.optional(),
      /** Python functions' root unless they name their own. */
      root: z.string().optional(),
      /** Added to every Python function's own globs. */
      include: globs.optional(),
      exclude: globs.optional(),
    })
    .optional(),
  params: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'param names are letters, digits, _ . - separated by /'),
      z.strictObject({
        secure: z.boolean().optional(),
        description: z
          .string()
          .max(AWS_LIMITS.paramDescriptionChars, {
            error: (iss) =>
              `${count(String(iss.input ?? '').length)} characters, SSM allows ${count(AWS_LIMITS.paramDescriptionChars)} for a parameter's description`,
          })
          .optional(),
        /** Allow a secure value to be put into a function's environment in plain text (warned about). */
        plaintextEnv: z.boolean().optional(),
      }),
    )
    .optional(),
  api: z
    .union([
      z.literal(false),
      z.strictObject({
        cors: z
          .strictObject({
            allowOrigins: z.array(z.string()).optional(),
            allowMethods: z.array(z.string()).optional(),
            allowHeaders: z.array(z.string()).optional(),
            exposeHeaders: z.array(z.string()).optional(),
            maxAge: z
              .number()
              .int()
              .min(0)
              .max(AWS_LIMITS.corsMaxAgeSeconds, {
                error: (iss) =>
                  `${count(Number(iss.input))} seconds, API Gateway allows at most ${count(AWS_LIMITS.corsMaxAgeSeconds)} (one day) for CORS maxAge`,
              })
              .optional(),
            allowCredentials: z.boolean().optional(),
          })
          .optional(),
      }),
    ])
    .optional(),
  deploy: z
    .strictObject({
      keepVersions: z.number().int().min(1).max(100).optional(),
      concurrency: z.number().int().min(1).max(64).optional(),
      /** How long deploy, rollback and destroy wait while another run holds the stage's lease (`--wait` wins). */
      leaseWaitSeconds: z.number().int().min(0).max(3600).optional(),
      /**
       * An existing S3 bucket to stage code through (`ops/{app}/{stage}/{fn}/{sha256}.zip`): zips are
       * then limited only by Lambda's 250 MB unzipped quota, not the 50 MB of a direct upload.
       */
      bucket: z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name is 3-63 lowercase letters, digits, dots and dashes')
        .optional(),
    })
    .optional(),
  tags: tags.optional(),
  functions: z.record(name('function name', 40), functionSchema).refine((f) => Object.keys(f).length > 0, {
    message: 'a fleet needs at least one function',
  }),
});

/** What an author writes in `ops.config.ts` (before defaults). */
export type FleetConfig = z.input<typeof fleetSchema>;
export type FunctionConfig = z.input<typeof functionSchema>;
export type ParsedFleet = z.output<typeof fleetSchema>;
export type ParsedFunction = z.output<typeof functionSchema>;
export type Statement = z.output<typeof statementSchema>;
