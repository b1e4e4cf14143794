import { defineKind } from '../kind.js';
import { planBuckets } from './plan.js';

/** S3 buckets (`type: 'bucket'`): declared, named and granted; not yet created or read (issue 14). */
export const bucket = defineKind<never>({
  kind: 'bucket',
  changes: [],
  plan: planBuckets,
  apply: {},
});
