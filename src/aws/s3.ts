import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import type { Aws } from './clients.js';
import { isNotFound, nameOf, statusOf } from './errors.js';

/** Code staged in the fleet's bucket (`deploy.bucket`) before CreateFunction, UpdateFunctionCode or PublishLayerVersion. */

/**
 * Where a zip goes: `ops/{name}/{sha256 hex}.zip` (`functions`, or `layers/{layer}`). The hash makes the key
 * immutable, so stages sharing a bucket share an object only when its bytes are the same; ops never deletes one.
 */
export const stagedKey = (name: string, zip: Uint8Array) => `ops/${name}/${createHash('sha256').update(zip).digest('hex')}.zip`;

// Stagings in flight or done, per AWS context: functions sharing one zip, applied in parallel, put it once.
const staged = new WeakMap<Aws, Map<string, Promise<{ S3Bucket: string; S3Key: string }>>>();

/**
 * Puts the zip at its key unless it is already there (a re-run, a rollback to code staged before, or
 * another function of this run with the same zip), and returns the location Lambda reads it from.
 */
export function stageZip(aws: Aws, bucket: string, name: string, zip: Uint8Array): Promise<{ S3Bucket: string; S3Key: string }> {
  const S3Key = stagedKey(name, zip);
  const runs = staged.get(aws) ?? new Map();
  staged.set(aws, runs);
  const id = `${bucket}/${S3Key}`;
  let run = runs.get(id);
  if (!run) {
    run = putUnlessThere(aws, bucket, S3Key, zip);
    // A failed put is tried again by the next function that needs it.
    run.catch(() => runs.delete(id));
    runs.set(id, run);
  }
  return run;
}

async function putUnlessThere(aws: Aws, bucket: string, S3Key: string, zip: Uint8Array): Promise<{ S3Bucket: string; S3Key: string }> {
  const s3 = await aws.s3();
  const there = await s3.headObject({ Bucket: bucket, Key: S3Key }).then(
    (head) => head.ContentLength === zip.length,
    (error) => {
      // Without s3:ListBucket a missing key answers 403, not 404: put it either way.
      if (isNotFound(error) || statusOf(error) === 403) return false;
      throw error;
    },
  );
  if (!there) {
    await aws
      .write(() => s3.putObject({ Bucket: bucket, Key: S3Key, Body: zip, ContentType: 'application/zip' }))
      .catch((error) => {
        if (nameOf(error) !== 'NoSuchBucket') throw error;
        const missing = missingBucket(bucket, aws.region);
        throw new UserError(missing.message, { hint: missing.hint, cause: error });
      });
  }
  return { S3Bucket: bucket, S3Key };
}

/** What to say when `deploy.bucket` does not exist (at upload, and in the deploy preflight). */
export function missingBucket(bucket: string, region: string): { message: string; hint: string } {
  return {
    message: `deploy.bucket ${bucket} does not exist in ${region}`,
    hint: `create it (aws s3 mb s3://${bucket} --region ${region}) or remove deploy.bucket to upload code directly`,
  };
}
