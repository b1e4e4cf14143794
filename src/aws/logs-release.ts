import { logGroupArn } from '../config/naming.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { read } from './retry.js';

/**
 * Takes ops's own tags (`ops:*`) off a log group, keeping it and its other tags: the group of an adopted function
 * that ops releases (src/resources/function/plan-adopt.ts) stops being the stage's with it. A group that is gone
 * is fine.
 */
export async function releaseLogGroup(aws: Aws, name: string): Promise<void> {
  const logs = await aws.logs();
  const resourceArn = logGroupArn(aws.region, await aws.accountId(), name);
  const got = await orNotFound(read(aws, () => logs.listTagsForResource({ resourceArn })));
  const tagKeys = Object.keys(got?.tags ?? {}).filter((k) => k.startsWith('ops:'));
  if (tagKeys.length) await orNotFound(aws.write(() => logs.untagResource({ resourceArn, tagKeys })));
}
