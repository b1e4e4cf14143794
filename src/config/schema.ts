import * as z from 'zod';
import { apiKeysSchema, usagePlansSchema } from './api-keys.js';
import { accessLogSchema, executionLogsSchema, metricsSchema, throttleSchema } from './api-stage.js';
import { authorizersSchema } from './authorizers.js';
import { functionDeploySchema, protectedStagesSchema } from './deploy-strategy.js';
import { domainSchema } from './domain.js';
import {
  architecture,
  environment,
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
import { functionSchema } from './function-schema.js';
import { keptNameSchema } from './kept-name.js';
import { AWS_LIMITS, count } from './limits.js';
import { functionRetention } from './log-retention.js';
import { paramPathSchema } from './param-paths.js';
import { paramSecretFields, paramSecretProblems } from './param-secrets.js';
import { resourcesSchema } from './resource-schema.js';

// One parse per process: zod's compiled fast path for objects costs more to build than it saves (jitless).
z.config({ jitless: true });

// The config schema's one entry point: the fleet is defined here, its functions and fields beside it.
export { envRefSchema, LOG_RETENTION_DAYS, type Statement, statementSchema } from './field-schemas.js';
export {
  ALARM_METRICS,
  COMPARISON_OPERATORS,
  type FunctionConfig,
  HTTP_METHODS,
  type ParsedFunction,
  ROUTE_PATTERN,
  TREAT_MISSING_DATA,
} from './function-schema.js';
export { RUNTIMES, type Runtime } from './runtimes.js';

const name = (what: string, max: number) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)
    .regex(/^[a-z](?:-?[a-z0-9])*$/, `${what} must be lowercase letters, digits and single dashes, starting with a letter`);

/** One API's fields: the default API's (`api`) and each named one's (`apis.<key>`). */
const apiObjectSchema = z.strictObject({
  /** 'http' (API Gateway v2, the default) or 'rest' (API Gateway v1: resources, methods, deployments to a named stage). */
  type: z.enum(['http', 'rest']).optional(),
  /** The API's kept physical name (src/config/kept-name.ts); default `{app}-{stage}` (`{app}-{stage}-{key}` for a named one). */
  name: keptNameSchema.optional(),
  /** Take over an existing untagged HTTP API with that name: tagged in place, its id and URL kept (src/resources/http-api/plan-adopt.ts). */
  adopt: z.boolean().optional(),
  /**
   * The stage (REST: default 'prod'; HTTP: default `$default`, else a named auto-deploy stage): the URL is
   * https://{id}.execute-api.{region}.amazonaws.com/{stage}.
   */
  stage: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, 'a stage name is 1-128 letters, digits, hyphens or underscores')
    .optional(),
  /** Named authorizers (jwt, iam, lambda) and the one routes use unless they say `auth` (src/config/authorizers.ts). */
  authorizers: authorizersSchema.optional(),
  defaultAuthorizer: z.string().optional(),
  /** A REST API's stage variables. */
  stageVariables: z
    .record(z.string().regex(/^[A-Za-z0-9_]+$/, 'a stage variable name is letters, digits, underscores'), z.string())
    .optional(),
  /** A custom domain for the API (API Gateway v2 DomainName, regional); src/config/domain.ts. */
  domain: domainSchema.optional(),
  /** The stage's default route throttling and access logs (src/config/api-stage.ts). */
  throttle: throttleSchema.optional(),
  accessLog: accessLogSchema.optional(),
  metrics: metricsSchema.optional(),
  executionLogs: executionLogsSchema.optional(),
  /** REST: every route requires an API key unless it says `apiKey: false`; keys and usage plans in src/config/api-keys.ts. */
  apiKeyRequired: z.boolean().optional(),
  keys: apiKeysSchema.optional(),
  usagePlans: usagePlansSchema.optional(),
  cors: z
    .union([
      z.literal(true),
      z.strictObject({
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
      }),
    ])
    .optional(),
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
      logRetentionDays: functionRetention.optional(),
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
      /** Every function's `deploy` (strategy, alarms, thresholds) unless it says its own (src/config/deploy-strategy.ts). */
      deploy: functionDeploySchema.optional(),
    })
    .optional(),
  params: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'param names are letters, digits, _ . - separated by /'),
      z
        .strictObject({
          secure: z.boolean().optional(),
          /** The full SSM name (`/spool/openai-api-key`); with `{stage}` one per stage, without it shared by all stages. */
          path: paramPathSchema.optional(),
          description: z
            .string()
            .max(AWS_LIMITS.paramDescriptionChars, {
              error: (iss) =>
                `${count(String(iss.input ?? '').length)} characters, SSM allows ${count(AWS_LIMITS.paramDescriptionChars)} for a parameter's description`,
            })
            .optional(),
          /** Allow a secure value to be put into a function's environment in plain text (warned about). */
          plaintextEnv: z.boolean().optional(),
          ...paramSecretFields,
        })
        .superRefine((p, ctx) => {
          for (const [field, message] of paramSecretProblems(p)) ctx.addIssue({ code: 'custom', path: [field], message });
        }),
    )
    .optional(),
  api: z.union([z.literal(false), apiObjectSchema]).optional(),
  /** More APIs beside the default one, by key: physical name `{app}-{stage}-{key}`; a route picks one with `api: '<key>'`. */
  apis: z.record(name('api key', 20), apiObjectSchema).optional(),
  deploy: z
    .strictObject({
      keepVersions: z.number().int().min(1).max(100).optional(),
      concurrency: z.number().int().min(1).max(64).optional(),
      /** How long deploy, rollback and destroy wait while another run holds the stage's lease (`--wait` wins). */
      leaseWaitSeconds: z.number().int().min(0).max(3600).optional(),
      /** Stages where `live` must shift gradually (a function's deploy.strategy or --strategy), never all at once. */
      protectedStages: protectedStagesSchema,
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
  /** The fleet's own tables, buckets, queues, topics and secrets, by key (src/config/resource-schema.ts). */
  resources: resourcesSchema.optional(),
  functions: z.record(name('function name', 40), functionSchema).refine((f) => Object.keys(f).length > 0, {
    message: 'a fleet needs at least one function',
  }),
});

/** What an author writes in `ops.config.ts` (before defaults). */
export type FleetConfig = z.input<typeof fleetSchema>;
export type ParsedFleet = z.output<typeof fleetSchema>;
