import { mergeBucketNotifications, readBucketNotifications } from '../../aws/s3-notifications.js';
import { removeTriggerPermission, setTriggerPermission } from '../../aws/settings.js';
import { bucketArn, POLICY_MARKER_TAG, S3_SID_PREFIX } from '../../config/naming.js';
import { functionsOf } from '../function/read.js';
import { defineKind } from '../kind.js';
import { statementSource } from '../trigger-policy.js';
import { isS3, planS3Notifications, type S3NotificationChange } from './plan.js';

/** S3 object events → functions: the stage's entries in bucket notification configurations, and the permissions on `live`. */
export const s3Notification = defineKind<S3NotificationChange>({
  kind: 's3-notification',
  after: ['bucket', 'function'],
  changes: ['s3notify.permit', 's3notify.put', 's3notify.unpermit'],
  marks: { [POLICY_MARKER_TAG]: ['s3notify.permit', 's3notify.unpermit'] },
  async read(aws, scope, r) {
    // The buckets the config's S3 triggers name, and those a function's `live` still lets S3 invoke it from
    // (a trigger that left the config): none of either, and no S3 call is made.
    const wanted = (scope.functions ?? []).flatMap((f) => f.triggers.filter(isS3).map((t) => t.bucket));
    const { items } = await functionsOf(r);
    const granted = Object.values(items).flatMap((f) =>
      f.aliasPolicy
        .filter((s) => s.Sid?.startsWith(S3_SID_PREFIX))
        .map((s) => statementSource(s))
        .filter((arn): arn is string => !!arn?.startsWith('arn:') && arn.includes(':s3:::'))
        .map((arn) => arn.slice(arn.lastIndexOf(':') + 1)),
    );
    const buckets = [...new Set([...wanted, ...granted])];
    if (!buckets.length) return {};
    return { actual: { bucketNotifications: await readBucketNotifications(aws, buckets, r.concurrency) } };
  },
  plan: planS3Notifications,
  apply: {
    's3notify.permit': async (c, run) =>
      setTriggerPermission(run.aws, {
        name: c.name,
        statementId: c.statementId,
        principal: 's3.amazonaws.com',
        sourceArn: bucketArn(run.aws.region, c.bucket),
        sourceAccount: await run.aws.accountId(),
      }),
    's3notify.put': (c, run) => mergeBucketNotifications(run.aws, c.bucket, c.ours, c.remove),
    's3notify.unpermit': (c, run) => removeTriggerPermission(run.aws, c.name, c.statementId),
  },
});
