import type { BucketCorsRule, BucketLifecycleRule } from '../config/resources.js';

/**
 * An S3 bucket in the shape the bucket planner compares: the settings ops manages, normalized from the
 * bucket's sub-resources (src/aws/s3-buckets.ts) and from a BucketSpec (src/resources/bucket/plan.ts) alike.
 */
export interface BucketSettings {
  /** Versioning Enabled (Suspended and never-enabled both read as false). */
  versioning: boolean;
  /** Default encryption: SSE-S3, or SSE-KMS with a key (absent: the account's aws/s3 key). */
  encryption: { algorithm: 'AES256' | 'aws:kms'; kmsKeyArn?: string };
  /** All four public access block settings on. */
  blockPublicAccess: boolean;
  lifecycle: BucketLifecycleRule[];
  cors: BucketCorsRule[];
}

export type BucketSetting = keyof BucketSettings;
export const BUCKET_SETTINGS: readonly BucketSetting[] = ['versioning', 'encryption', 'blockPublicAccess', 'lifecycle', 'cors'];

/** A bucket found on AWS: ours, or one with a declared name that is not ours (yet). */
export interface ActualBucket {
  name: string;
  settings: BucketSettings;
  tags: Record<string, string>;
  /** Whether it holds no object version (read only for buckets ops may delete: ours tagged `ops:removal = destroy`). */
  empty?: boolean;
  /** The name exists but this account may not read it: another account's bucket (S3 names are global). */
  otherAccount?: boolean;
}

/** The buckets the read found: owned by the stage's tags, and those with a declared name but not ours. */
export interface ActualBuckets {
  owned: Record<string, ActualBucket>;
  unowned: Record<string, ActualBucket>;
}

/** One Lambda entry of a bucket's notification configuration. */
export interface BucketLambdaNotification {
  id: string;
  functionArn: string;
  /** Sorted. */
  events: string[];
  prefix?: string;
  suffix?: string;
}

/** The Lambda entries of the notification configurations of the buckets the stage's S3 triggers touch, by bucket name. */
export type ActualBucketNotifications = Record<string, BucketLambdaNotification[]>;

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
  );

/** The normalized value of a setting, for comparing (lifecycle rules by id; CORS rules keep their order: S3 uses the first match). */
export function settingValue(s: BucketSettings, k: BucketSetting): string {
  if (k === 'lifecycle') return canonical([...s.lifecycle].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  if (k === 'encryption') return canonical(s.encryption.algorithm === 'AES256' ? { algorithm: 'AES256' } : s.encryption);
  return canonical(s[k]);
}

/** The settings that differ, in display order. */
export const bucketSettingDiffs = (want: BucketSettings, have: BucketSettings): BucketSetting[] =>
  BUCKET_SETTINGS.filter((k) => settingValue(want, k) !== settingValue(have, k));

/** The same entry (events, filters and target), ignoring the order of events. */
export const sameNotification = (a: BucketLambdaNotification, b: BucketLambdaNotification) => canonical(a) === canonical(b);
