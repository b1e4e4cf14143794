import type { Aws } from './clients.js';
import { isAlreadyExists, isNotFound } from './errors.js';

/** Writers for the functions' log groups (created by ops so they get a retention; Lambda's own never expire). */

/** CreateLogGroup with tags (one that exists already is fine), then its retention. */
export async function createLogGroup(aws: Aws, name: string, retentionDays: number, tags: Record<string, string> = {}): Promise<void> {
  const logs = await aws.logs();
  try {
    await aws.write(() => logs.createLogGroup({ logGroupName: name, ...(Object.keys(tags).length > 0 ? { tags } : {}) }));
  } catch (error) {
    // Lambda creates it on the first invocation, so it may well exist.
    if (!isAlreadyExists(error)) throw error;
  }
  await putRetention(aws, name, retentionDays);
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
