/* A function's log retention resolved for CloudWatch (the schema: src/config/log-retention.ts). Zod-free. */

/** One of CloudWatch's day counts, or 'never' (no retention policy). */
export type LogRetention = number | 'never';

/** Days for CloudWatch (PutRetentionPolicy), or undefined for 'never' (no policy). */
export const retentionDaysOf = (r: LogRetention | undefined): number | undefined => (r === 'never' ? undefined : r);
