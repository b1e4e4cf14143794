import { s3NotificationId, s3StatementId } from './naming.js';
import { physicalNameOf } from './resolve-resources.js';
import type { ParsedFleet } from './schema.js';
import type { S3TriggerSpec } from './types.js';

/** An S3 trigger as the schema parses it. */
export interface ParsedS3Trigger {
  s3: string;
  events?: string[];
  prefix?: string;
  suffix?: string;
}

export const DEFAULT_S3_EVENTS = ['s3:ObjectCreated:*'];

/**
 * `{ s3: 'uploads' }` names a bucket of `resources` by its key, else an existing bucket by its name (the
 * preflight checks that one exists). The notification id hashes what the entry says, so a changed filter is
 * a new entry and the old one is pruned.
 */
export function resolveS3Trigger(cfg: ParsedFleet, stage: string, fnKey: string, t: ParsedS3Trigger): S3TriggerSpec {
  const r = cfg.resources?.[t.s3];
  const bucket = r?.type === 'bucket' ? physicalNameOf(cfg.app, stage, t.s3, r) : t.s3;
  const events = [...new Set(t.events ?? DEFAULT_S3_EVENTS)].sort();
  const what = JSON.stringify([bucket, events, t.prefix ?? '', t.suffix ?? '']);
  return {
    kind: 's3',
    bucket,
    ...(r?.type === 'bucket' ? { resource: t.s3 } : {}),
    events,
    ...(t.prefix !== undefined ? { prefix: t.prefix } : {}),
    ...(t.suffix !== undefined ? { suffix: t.suffix } : {}),
    notificationId: s3NotificationId(cfg.app, stage, fnKey, what),
    statementId: s3StatementId(bucket),
  };
}
