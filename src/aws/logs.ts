import { UserError } from '../errors.js';
import type { Aws } from './clients.js';
import { isAlreadyExists, isNotFound } from './errors.js';
import { ownerOf } from './map.js';
import { withThrottleRetry } from './retry.js';

/** Writers for the functions' log groups (created by ops so they get a retention; Lambda's own never expire). */

/**
 * CreateLogGroup with tags, then its retention. One that exists already (Lambda creates it on the
 * first invocation) is tagged and taken over when it is untagged or ours; one tagged for another
 * app or stage is refused, never changed.
 */
export async function createLogGroup(aws: Aws, name: string, retentionDays: number, tags: Record<string, string> = {}): Promise<void> {
  const logs = await aws.logs();
  try {
    await aws.write(() => logs.createLogGroup({ logGroupName: name, ...(Object.keys(tags).length > 0 ? { tags } : {}) }));
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    await adoptLogGroup(aws, name, tags, error);
  }
  await putRetention(aws, name, retentionDays);
}

async function adoptLogGroup(aws: Aws, name: string, tags: Record<string, string>, cause: unknown): Promise<void> {
  const logs = await aws.logs();
  const resourceArn = `arn:${aws.partition}:logs:${aws.region}:${await aws.accountId()}:log-group:${name}`;
  const have =
    (await withThrottleRetry(() => logs.listTagsForResource({ resourceArn }), { limiter: aws.limiter, policy: aws.retry })).tags ?? {};
  const owner = ownerOf(have);
  const want = ownerOf(tags);
  if ((owner.app !== undefined || owner.stage !== undefined) && (owner.app !== want.app || owner.stage !== want.stage)) {
    throw new UserError(`log group ${name} already exists and is tagged for app ${owner.app ?? '?'} stage ${owner.stage ?? '?'}`, {
      hint: 'ops leaves it alone: delete or rename the function that collides with it',
      cause,
    });
  }
  const missing = Object.fromEntries(Object.entries(tags).filter(([k, v]) => have[k] !== v));
  if (Object.keys(missing).length > 0) await aws.write(() => logs.tagResource({ resourceArn, tags: missing }));
}

export async function putRetention(aws: Aws, name: string, retentionDays: number): Promise<void> {
  const logs = await aws.logs();
  await aws.write(() => logs.putRetentionPolicy({ logGroupName: name, retentionInDays: retentionDays }));
}

/** Deletes a log group and its logs (`destroy` only). One already gone is fine. */
export async function deleteLogGroup(aws: Aws, name: string): Promise<void> {
  const logs = await aws.logs();
  try {
    await aws.write(() => logs.deleteLogGroup({ logGroupName: name }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
