import type * as z from 'zod';
import type { accessLogSchema, throttleSchema } from './api-stage.js';

/**
 * An API stage's throttling and access logs resolved (the schema: src/config/api-stage.ts). Zod-free at run time:
 * the stage module (src/resources/api-stage) plans from these shapes.
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
