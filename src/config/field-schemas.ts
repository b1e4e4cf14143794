import * as z from 'zod';
import { statementProblems } from './iam.js';
import { tagProblem } from './limits.js';
import { ACCOUNT_PART, ACCOUNT_PLACEHOLDER, type FleetRef, REGION_PART, ROLE_NAME } from './refs.js';
import { RUNTIMES } from './runtimes.js';

/*
 * The field schemas that `defaults` and a function share (memory, environment, permissions, layers, ...):
 * the fleet schema (schema.ts) and the function schema (function-schema.ts) both build on them.
 */

/** The only retention values CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

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

export const envName = z
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
export const environment = z.record(
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
export const tags = z.record(
  tagText('key').refine((k) => !k.startsWith('aws:') && !k.startsWith('ops:'), {
    message: 'tag keys starting with aws: or ops: are reserved',
  }),
  tagText('value'),
);

export const memory = z
  .number()
  .int('memory must be a whole number of MB')
  .min(128, 'memory must be 128..10240 MB')
  .max(10240, 'memory must be 128..10240 MB');
export const timeout = z
  .number()
  .int('timeout must be whole seconds')
  .min(1, 'timeout must be 1..900 seconds')
  .max(900, 'timeout must be 1..900 seconds');
export const retention = z
  .number({ message: `log retention is a number of days, one of ${LOG_RETENTION_DAYS.join(', ')}` })
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    message: `log retention must be one of ${LOG_RETENTION_DAYS.join(', ')} days`,
  });
export const architecture = z.enum(['x86_64', 'arm64']);
export const runtime = z.enum(RUNTIMES, { message: `runtime must be one of ${RUNTIMES.join(', ')}` });

/** An existing role: its ARN (`${account}` allowed) or its name, meaning the role of that name in this account. */
export const roleRef = z
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

export const paramRef = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().min(1),
    /** Environment variable that receives the parameter's name (or value when `resolve`). */
    env: envName.optional(),
    /** Put the plain value into the environment at deploy time instead of the name. */
    resolve: z.boolean().optional(),
  }),
]);

export const layer = z.union([
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

export const vpc = z.strictObject({
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
export const globs = z.array(z.string().min(1).regex(/^[^/]/, 'a glob is relative to the function root (no leading /)'));

export type Statement = z.output<typeof statementSchema>;
