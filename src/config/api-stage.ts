import * as z from 'zod';
import { retention } from './field-schemas.js';

/**
 * An API stage's throttling and access logs (`api.throttle`, `api.accessLog`), for HTTP and REST APIs alike:
 * the schema, and what it resolves to. The stage module (src/resources/api-stage) plans from the resolved form.
 */

/** The stage's default route throttling: requests per second (steady) and the bucket's size (burst). */
export interface ThrottleSpec {
  rateLimit: number;
  burstLimit: number;
}

/** Access logs of the stage to a log group ops creates (tagged, with a retention). */
export interface AccessLogSpec {
  logGroup: string;
  /** API Gateway's `$context` template, one line per request. */
  format: string;
  retentionDays: number;
}

/** A REST stage's execution logging (`loggingLevel` of its `*\/*` method settings). */
export type ExecutionLogLevel = 'OFF' | 'ERROR' | 'INFO';

/** What the stage settings add to an ApiSpec. */
export interface StageSettingsSpec {
  throttle?: ThrottleSpec;
  accessLog?: AccessLogSpec;
  /** Detailed (per route or method) CloudWatch metrics; absent: left as the stage has them. */
  metrics?: boolean;
  /** REST only; absent: left as the stage has it. */
  executionLogs?: ExecutionLogLevel;
}

export const throttleSchema = z.strictObject({
  // 0 would make API Gateway answer 429 to every request: a config that wants that says so elsewhere.
  rateLimit: z.number().positive('must be above 0 requests per second (0 refuses every request)'),
  burstLimit: z.number().int('the burst limit is a whole number of requests').positive('must be at least 1 request'),
});

/** Detailed CloudWatch metrics per route (v2 DetailedMetricsEnabled) or method (v1 `*\/*` metrics/enabled). */
export const metricsSchema = z.boolean();
/** A REST API's execution logs: written through the account's API Gateway CloudWatch role, so never a default. */
export const executionLogsSchema = z.enum(['OFF', 'ERROR', 'INFO']);

const REQUEST_ID = /\$context\.(requestId|extendedRequestId)\b/;

export const accessLogSchema = z.union([
  z.literal(true),
  z.strictObject({
    /** API Gateway's access log format; default: one JSON object per request (see DEFAULT_ACCESS_LOG_FORMAT). */
    format: z
      .string()
      .min(1)
      .refine((f) => REQUEST_ID.test(f), { message: 'an access log format must include $context.requestId (API Gateway requires it)' })
      .optional(),
    /** Days the access lines are kept; default: the fleet's `defaults.logRetentionDays`. */
    retentionDays: retention.optional(),
  }),
]);

const fields = (f: Record<string, string>) => JSON.stringify(f);

/** One JSON object per request; `routeKey` on an HTTP API, `resourcePath` on a REST API. */
export const DEFAULT_ACCESS_LOG_FORMAT = {
  http: fields({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    integrationLatency: '$context.integrationLatency',
  }),
  rest: fields({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    httpMethod: '$context.httpMethod',
    resourcePath: '$context.resourcePath',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    integrationLatency: '$context.integrationLatency',
  }),
};

/**
 * Marks a stage's throttle as set by ops (a tag on the HTTP API, on a REST API's stage): a throttle set by hand
 * is left alone when the config has none.
 */
export const THROTTLE_MARKER_TAG = 'ops:throttle';

/** The access log group of an API: `/aws/apigateway/{api name}` (`/aws/apigateway/tasks-prod`). */
export const apiAccessLogGroupName = (apiName: string) => `/aws/apigateway/${apiName}`;

export interface RawStageSettings {
  type?: 'http' | 'rest';
  throttle?: z.output<typeof throttleSchema>;
  accessLog?: z.output<typeof accessLogSchema>;
  metrics?: boolean;
  executionLogs?: ExecutionLogLevel;
}

/** `throttle` and `accessLog` of one API, resolved: the log group's name, format and retention filled in. */
export function resolveStageSettings(raw: RawStageSettings | undefined, apiName: string, retentionDays: number): StageSettingsSpec {
  const out: StageSettingsSpec = {};
  if (raw?.throttle) out.throttle = { rateLimit: raw.throttle.rateLimit, burstLimit: raw.throttle.burstLimit };
  if (raw?.metrics !== undefined) out.metrics = raw.metrics;
  if (raw?.executionLogs !== undefined) out.executionLogs = raw.executionLogs;
  const log = raw?.accessLog;
  if (log) {
    const own = log === true ? {} : log;
    out.accessLog = {
      logGroup: apiAccessLogGroupName(apiName),
      format: own.format ?? DEFAULT_ACCESS_LOG_FORMAT[raw?.type === 'rest' ? 'rest' : 'http'],
      retentionDays: own.retentionDays ?? retentionDays,
    };
  }
  return out;
}

/** `executionLogs` is a REST API's: an HTTP API has access logs only. Run on every API (perApiProblems). */
export function stageSettingsProblems(raw: Record<string, any>): { path: string; message: string }[] {
  const api = raw.api;
  if (typeof api !== 'object' || api === null || api.executionLogs === undefined || api.type === 'rest') return [];
  return [
    {
      path: 'api.executionLogs',
      message: "execution logs are a REST API's (api.type 'rest'): an HTTP API has access logs (api.accessLog)",
    },
  ];
}
