import type { LambdaFunctionConfiguration, NotificationConfiguration } from '@aws-sdk/client-s3';
import { UserError } from '../errors.js';
import type { ActualBucketNotifications, BucketLambdaNotification } from '../model/bucket.js';
import type { Aws } from './clients.js';
import { isNotFound, nameOf } from './errors.js';
import { mapLimit } from './pool.js';
import { read } from './retry.js';

/**
 * The Lambda entries of S3 bucket notification configurations. S3 keeps one configuration per bucket and
 * replaces it whole on every put: ops reads it again just before writing and changes only the entries it
 * names, so queue, topic, EventBridge and other Lambda entries (someone else's) stay as they are.
 */

const causeOf = (e: unknown) => (e instanceof UserError && e.cause ? e.cause : e);
const isMissingBucket = (e: unknown) => nameOf(causeOf(e)) === 'NoSuchBucket' || isNotFound(causeOf(e));

function toNotification(c: LambdaFunctionConfiguration): BucketLambdaNotification {
  const rules = c.Filter?.Key?.FilterRules ?? [];
  const rule = (n: string) => rules.find((r) => r.Name?.toLowerCase() === n)?.Value || undefined;
  const prefix = rule('prefix');
  const suffix = rule('suffix');
  return {
    id: c.Id ?? '',
    functionArn: c.LambdaFunctionArn ?? '',
    events: [...(c.Events ?? [])].sort(),
    ...(prefix ? { prefix } : {}),
    ...(suffix ? { suffix } : {}),
  };
}

function toConfiguration(n: BucketLambdaNotification): LambdaFunctionConfiguration {
  const FilterRules = [
    ...(n.prefix ? [{ Name: 'prefix' as const, Value: n.prefix }] : []),
    ...(n.suffix ? [{ Name: 'suffix' as const, Value: n.suffix }] : []),
  ];
  return {
    Id: n.id,
    LambdaFunctionArn: n.functionArn,
    Events: n.events as LambdaFunctionConfiguration['Events'],
    ...(FilterRules.length ? { Filter: { Key: { FilterRules } } } : {}),
  };
}

async function getConfiguration(aws: Aws, bucket: string): Promise<NotificationConfiguration | undefined> {
  const s3 = await aws.s3();
  try {
    const { $metadata: _m, ...config } = await read(aws, () => s3.getBucketNotificationConfiguration({ Bucket: bucket }));
    return config;
  } catch (error) {
    if (isMissingBucket(error)) return undefined;
    throw error;
  }
}

/** The Lambda entries of each bucket's notification configuration; a bucket that does not exist is left out. */
export async function readBucketNotifications(aws: Aws, buckets: readonly string[], concurrency = 8): Promise<ActualBucketNotifications> {
  const out: ActualBucketNotifications = {};
  await mapLimit([...buckets], concurrency, async (b) => {
    const config = await getConfiguration(aws, b);
    if (config) out[b] = (config.LambdaFunctionConfigurations ?? []).map(toNotification);
  });
  return out;
}

/**
 * Replaces the entries whose ids are in `remove` or `ours` with `ours`, keeping every other entry of the
 * configuration as it is now. S3 checks that it may invoke each function named: the permissions go first.
 */
export async function mergeBucketNotifications(
  aws: Aws,
  bucket: string,
  ours: readonly BucketLambdaNotification[],
  remove: readonly string[],
): Promise<void> {
  const current = (await getConfiguration(aws, bucket)) ?? {};
  const replaced = new Set([...remove, ...ours.map((n) => n.id)]);
  const others = (current.LambdaFunctionConfigurations ?? []).filter((c) => !replaced.has(c.Id ?? ''));
  const NotificationConfiguration: NotificationConfiguration = {
    ...(current.TopicConfigurations?.length ? { TopicConfigurations: current.TopicConfigurations } : {}),
    ...(current.QueueConfigurations?.length ? { QueueConfigurations: current.QueueConfigurations } : {}),
    ...(current.EventBridgeConfiguration ? { EventBridgeConfiguration: current.EventBridgeConfiguration } : {}),
    LambdaFunctionConfigurations: [...others, ...ours.map(toConfiguration)],
  };
  const s3 = await aws.s3();
  await aws.write(() => s3.putBucketNotificationConfiguration({ Bucket: bucket, NotificationConfiguration }));
}
