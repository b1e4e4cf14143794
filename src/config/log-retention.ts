import * as z from 'zod';
import { LOG_RETENTION_DAYS } from './field-schemas.js';
import type { LogRetention } from './resolve-log-retention.js';

/*
 * A function's log retention: one of CloudWatch's day counts, or 'never' (no retention policy: the logs are kept
 * until deleted, as a fleet's hand-made log groups often are). An API's access log retention stays days only.
 * The schema; what it resolves to: src/config/resolve-log-retention.ts.
 */

const ALLOWED = `one of ${LOG_RETENTION_DAYS.join(', ')}, or 'never'`;

function describe(v: unknown): string {
  if (typeof v === 'string') return `the string '${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  if (typeof v === 'number') return `the number ${v}`;
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v;
}

const valid = (v: unknown): v is LogRetention =>
  v === 'never' || (typeof v === 'number' && (LOG_RETENTION_DAYS as readonly number[]).includes(v));

/** `logRetentionDays` of a function and of `defaults`. */
export const functionRetention = z.custom<LogRetention>(valid, {
  error: (iss) =>
    typeof iss.input === 'number'
      ? `log retention must be ${ALLOWED} (got ${iss.input})`
      : `log retention is a number of days, ${ALLOWED} (got ${describe(iss.input)})`,
});
