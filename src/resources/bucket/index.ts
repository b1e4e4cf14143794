import { createBucket, deleteBucket, putBucketSettings, putBucketTags, readBuckets } from '../../aws/s3-buckets.js';
import { defineKind } from '../kind.js';
import { type BucketChange, planBuckets } from './plan.js';

/** The fleet's S3 buckets (`resources` of type `bucket`). */
export const bucket = defineKind<BucketChange>({
  kind: 'bucket',
  changes: ['bucket.create', 'bucket.adopt', 'bucket.update', 'bucket.delete'],
  // Deleted last: a function or notification that still names it goes first.
  trailing: ['bucket.delete'],
  async read(aws, scope, r) {
    // A fleet that declares no resources makes no S3 call: its no-op deploy stays as fast as before.
    const resources = scope.resources ?? [];
    if (!resources.length) return {};
    const names = resources.filter((x) => x.type === 'bucket').map((x) => x.physicalName);
    const { buckets, foreign } = await readBuckets(aws, scope, names, r.concurrency);
    return { actual: { buckets }, foreign };
  },
  plan: planBuckets,
  apply: {
    'bucket.create': (c, run) => createBucket(run.aws, c.name, c.settings, c.tags, c.key),
    async 'bucket.adopt'(c, run) {
      // Tagged first: from then on the bucket is ours, and a setting that fails is retried as an update.
      await putBucketTags(run.aws, c.name, c.tags);
      await putBucketSettings(run.aws, c.name, c.settings, c.which);
    },
    async 'bucket.update'(c, run) {
      await putBucketSettings(run.aws, c.name, c.settings, c.which);
      if (c.tags) await putBucketTags(run.aws, c.name, c.tags);
    },
    'bucket.delete': (c, run) => deleteBucket(run.aws, c.name, { empty: c.empty }),
  },
});
