import * as z from 'zod';
import { retention } from './field-schemas.js';

/**
 * An API stage's throttling and access logs (`api.throttle`, `api.accessLog`), for HTTP and REST APIs alike:
 * the schema. What it resolves to is in src/config/resolve-api-stage.ts, which the stage module
 * (src/resources/api-stage) plans from.
 */

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
