import type { LifecycleRule, CORSRule as SdkCorsRule } from '@aws-sdk/client-s3';
import { foreignEntry, notOwnedReason, OWNER_APP_TAG, OWNER_STAGE_TAG, REMOVAL_TAG } from '../config/naming.js';
import type { BucketCorsRule, BucketLifecycleRule } from '../config/resources.js';
import { UserError } from '../errors.js';
import type { Actual } from '../model/actual.js';
import type { ActualBucket, ActualBuckets, BucketSetting, BucketSettings } from '../model/bucket.js';
import type { Aws } from './clients.js';
import { isNotFound, nameOf, statusOf } from './errors.js';
import { mapLimit } from './pool.js';
import { read } from './retry.js';

/**
 * The fleet's S3 buckets: read (candidates by the stage's name prefix and the declared names, owned by
 * tags), create, update each setting in place, tag, empty and delete. Every setting is its own
 * sub-resource in S3, so each is read and written on its own.
 */

const causeOf = (e: unknown) => (e instanceof UserError && e.cause ? e.cause : e);
const isMissingBucket = (e: unknown) => nameOf(causeOf(e)) === 'NoSuchBucket' || isNotFound(causeOf(e));
const isForbidden = (e: unknown) => statusOf(causeOf(e)) === 403;

/** A sub-resource that is not set answers its own error: read as `fallback`. */
async function orUnset<T, U>(call: () => Promise<T>, unset: string[], fallback: U): Promise<T | U> {
  try {
    return await call();
  } catch (error) {
    if (unset.includes(nameOf(causeOf(error)))) return fallback;
    throw error;
  }
}

const orUndefined = <T>(v: T | null | undefined): T | undefined => (v === null || v === undefined ? undefined : v);
const nonEmpty = (xs: string[] | undefined) => (xs?.length ? xs : undefined);

function toLifecycle(rules: LifecycleRule[]): BucketLifecycleRule[] {
  return rules.map((r) => {
    const prefix = r.Filter?.Prefix ?? r.Prefix;
    return {
      id: r.ID ?? '',
      ...(prefix ? { prefix } : {}),
      ...(r.Expiration?.Days !== undefined ? { expirationDays: r.Expiration.Days } : {}),
      ...(r.NoncurrentVersionExpiration?.NoncurrentDays !== undefined
        ? { noncurrentExpirationDays: r.NoncurrentVersionExpiration.NoncurrentDays }
        : {}),
      ...(r.AbortIncompleteMultipartUpload?.DaysAfterInitiation !== undefined
        ? { abortIncompleteUploadDays: r.AbortIncompleteMultipartUpload.DaysAfterInitiation }
        : {}),
    };
  });
}

function toCors(rules: SdkCorsRule[]): BucketCorsRule[] {
  return rules.map((r) => {
    const headers = nonEmpty(r.AllowedHeaders);
    const expose = nonEmpty(r.ExposeHeaders);
    const maxAge = orUndefined(r.MaxAgeSeconds);
    return {
      allowedOrigins: r.AllowedOrigins ?? [],
      allowedMethods: r.AllowedMethods ?? [],
      ...(headers ? { allowedHeaders: headers } : {}),
      ...(expose ? { exposeHeaders: expose } : {}),
      ...(maxAge !== undefined ? { maxAgeSeconds: maxAge } : {}),
    };
  });
}

/** Every setting ops manages, each from its own sub-resource. */
async function readSettings(aws: Aws, name: string): Promise<BucketSettings> {
  const s3 = await aws.s3();
  const Bucket = name;
  const [versioning, pab, encryption, lifecycle, cors] = await Promise.all([
    read(aws, () => s3.getBucketVersioning({ Bucket })),
    orUnset(() => read(aws, () => s3.getPublicAccessBlock({ Bucket })), ['NoSuchPublicAccessBlockConfiguration'], {}),
    // Since 2023 every bucket is encrypted with SSE-S3 unless it says otherwise.
    orUnset(() => read(aws, () => s3.getBucketEncryption({ Bucket })), ['ServerSideEncryptionConfigurationNotFoundError'], {}),
    orUnset(() => read(aws, () => s3.getBucketLifecycleConfiguration({ Bucket })), ['NoSuchLifecycleConfiguration'], {}),
    orUnset(() => read(aws, () => s3.getBucketCors({ Bucket })), ['NoSuchCORSConfiguration'], {}),
  ]);
  const block = 'PublicAccessBlockConfiguration' in pab ? pab.PublicAccessBlockConfiguration : undefined;
  const rule =
    'ServerSideEncryptionConfiguration' in encryption
      ? encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
      : undefined;
  const kms = rule?.SSEAlgorithm === 'aws:kms' || rule?.SSEAlgorithm === 'aws:kms:dsse';
  return {
    versioning: versioning.Status === 'Enabled',
    encryption: kms
      ? { algorithm: 'aws:kms', ...(rule?.KMSMasterKeyID ? { kmsKeyArn: rule.KMSMasterKeyID } : {}) }
      : { algorithm: 'AES256' },
    blockPublicAccess: !!(block?.BlockPublicAcls && block.IgnorePublicAcls && block.BlockPublicPolicy && block.RestrictPublicBuckets),
    lifecycle: toLifecycle(('Rules' in lifecycle ? lifecycle.Rules : undefined) ?? []),
    cors: toCors(('CORSRules' in cors ? cors.CORSRules : undefined) ?? []),
  };
}

/** The bucket's tags ({} when it has none); undefined when it is gone; `forbidden` when another account owns it. */
async function readTags(aws: Aws, name: string): Promise<Record<string, string> | 'forbidden' | undefined> {
  const s3 = await aws.s3();
  try {
    const got = await orUnset(() => read(aws, () => s3.getBucketTagging({ Bucket: name })), ['NoSuchTagSet'], { TagSet: [] });
    return Object.fromEntries((got.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  } catch (error) {
    if (isMissingBucket(error)) return undefined;
    if (isForbidden(error)) return 'forbidden';
    throw error;
  }
}

/** Whether the bucket holds no object version and no delete marker. */
export async function isBucketEmpty(aws: Aws, name: string): Promise<boolean> {
  const s3 = await aws.s3();
  const page = await read(aws, () => s3.listObjectVersions({ Bucket: name, MaxKeys: 1 }));
  return !(page.Versions?.length || page.DeleteMarkers?.length);
}

async function listBucketNames(aws: Aws, prefix: string): Promise<string[]> {
  const s3 = await aws.s3();
  const names: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    // Prefix narrows the answer where S3 supports it; the names are filtered here as well (an endpoint may ignore it).
    const page = await read(aws, () => s3.listBuckets({ Prefix: prefix, ...(ContinuationToken ? { ContinuationToken } : {}) }));
    for (const b of page.Buckets ?? []) {
      // A bucket of ours in another region belongs to that region's stage.
      if (b.Name?.startsWith(prefix) && (!b.BucketRegion || b.BucketRegion === aws.region)) names.push(b.Name);
    }
    ContinuationToken = page.ContinuationToken;
  } while (ContinuationToken);
  return names;
}

async function describeBucket(aws: Aws, name: string, scope: { app: string; stage: string }): Promise<ActualBucket | undefined> {
  const tags = await readTags(aws, name);
  if (tags === undefined) return undefined;
  if (tags === 'forbidden') {
    const settings: BucketSettings = {
      versioning: false,
      encryption: { algorithm: 'AES256' },
      blockPublicAccess: true,
      lifecycle: [],
      cors: [],
    };
    return { name, settings, tags: {}, otherAccount: true };
  }
  const owned = !notOwnedReason(tags, scope.app, scope.stage);
  const settings = await readSettings(aws, name);
  // Only a bucket ops may delete needs to say whether it is empty.
  const empty = owned && tags[REMOVAL_TAG] === 'destroy' ? await isBucketEmpty(aws, name) : undefined;
  return { name, settings, tags, ...(empty !== undefined ? { empty } : {}) };
}

/**
 * The stage's buckets: ListBuckets finds the names under `{app}-{stage}-`, and each declared name it lacks
 * (a config-given name) is asked for by name. Ownership is by tags; a declared name that is not ours goes to
 * `unowned` (the plan stops or adopts), any other to `foreign`.
 */
export async function readBuckets(
  aws: Aws,
  scope: { app: string; stage: string },
  desiredNames: readonly string[],
  concurrency = 8,
): Promise<{ buckets: ActualBuckets; foreign: Actual['foreign'] }> {
  const listed = await listBucketNames(aws, `${scope.app}-${scope.stage}-`);
  const names = [...new Set([...listed, ...desiredNames])];
  const found = await mapLimit(names, concurrency, (n) => describeBucket(aws, n, scope));
  const buckets: ActualBuckets = { owned: {}, unowned: {} };
  const foreign: Actual['foreign'] = [];
  const desired = new Set(desiredNames);
  for (const b of found) {
    if (!b) continue;
    if (!b.otherAccount && !notOwnedReason(b.tags, scope.app, scope.stage)) buckets.owned[b.name] = b;
    else if (desired.has(b.name)) buckets.unowned[b.name] = b;
    else {
      const entry = foreignEntry('s3 bucket', b.name, b.tags, scope.app, scope.stage);
      if (entry) foreign.push(entry);
    }
  }
  return { buckets, foreign };
}

/** The name is another account's: S3 bucket names are global. */
export const nameTaken = (name: string, key?: string) =>
  new UserError(`bucket ${name} belongs to another AWS account (S3 bucket names are global); nothing was changed`, {
    hint: `give ${key ? `resources.${key}` : 'the bucket'} another name (name: '...')`,
  });

/**
 * CreateBucket (with the region as LocationConstraint outside us-east-1), then its tags and every setting.
 * A retried create whose first answer was lost meets BucketAlreadyOwnedByYou: the bucket is ours, carry on.
 * A bucket another account owns (BucketAlreadyExists) is one line.
 */
export async function createBucket(
  aws: Aws,
  name: string,
  settings: BucketSettings,
  tags: Record<string, string>,
  key?: string,
): Promise<void> {
  const s3 = await aws.s3();
  try {
    await aws.write(() =>
      s3.createBucket({
        Bucket: name,
        ...(aws.region !== 'us-east-1' ? { CreateBucketConfiguration: { LocationConstraint: aws.region as never } } : {}),
      }),
    );
  } catch (error) {
    const n = nameOf(causeOf(error));
    if (n === 'BucketAlreadyExists') throw nameTaken(name, key);
    if (n !== 'BucketAlreadyOwnedByYou') throw error;
    const have = await readTags(aws, name);
    const mine = typeof have === 'object' && have[OWNER_APP_TAG] === tags[OWNER_APP_TAG] && have[OWNER_STAGE_TAG] === tags[OWNER_STAGE_TAG];
    const untagged = typeof have === 'object' && !have[OWNER_APP_TAG] && !have[OWNER_STAGE_TAG];
    if (!mine && !untagged)
      throw new UserError(`bucket ${name} was created by another stage since the plan was made: not taken over`, {
        hint: 'run the command again to see it in the plan',
      });
  }
  // Tagged first: from then on it is ours, and a setting that fails is an update on the next run.
  await putBucketTags(aws, name, tags);
  await putBucketSettings(aws, name, settings, ['blockPublicAccess', 'encryption', 'versioning', 'lifecycle', 'cors'], true);
}

/** PutBucketTagging replaces the whole set. */
export async function putBucketTags(aws: Aws, name: string, tags: Record<string, string>): Promise<void> {
  const s3 = await aws.s3();
  const TagSet = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  if (TagSet.length) await aws.write(() => s3.putBucketTagging({ Bucket: name, Tagging: { TagSet } }));
  else await aws.write(() => s3.deleteBucketTagging({ Bucket: name }));
}

const lifecycleInput = (rules: BucketLifecycleRule[]): LifecycleRule[] =>
  rules.map((r) => ({
    ID: r.id,
    Status: 'Enabled',
    Filter: { Prefix: r.prefix ?? '' },
    ...(r.expirationDays !== undefined ? { Expiration: { Days: r.expirationDays } } : {}),
    ...(r.noncurrentExpirationDays !== undefined ? { NoncurrentVersionExpiration: { NoncurrentDays: r.noncurrentExpirationDays } } : {}),
    ...(r.abortIncompleteUploadDays !== undefined
      ? { AbortIncompleteMultipartUpload: { DaysAfterInitiation: r.abortIncompleteUploadDays } }
      : {}),
  }));

const corsInput = (rules: BucketCorsRule[]): SdkCorsRule[] =>
  rules.map((r) => ({
    AllowedOrigins: r.allowedOrigins,
    AllowedMethods: r.allowedMethods,
    ...(r.allowedHeaders ? { AllowedHeaders: r.allowedHeaders } : {}),
    ...(r.exposeHeaders ? { ExposeHeaders: r.exposeHeaders } : {}),
    ...(r.maxAgeSeconds !== undefined ? { MaxAgeSeconds: r.maxAgeSeconds } : {}),
  }));

/** Writes each setting named in `which` (one call each); `fresh`: a new bucket, where "none" needs no write. */
export async function putBucketSettings(aws: Aws, name: string, s: BucketSettings, which: readonly BucketSetting[], fresh = false) {
  const s3 = await aws.s3();
  const Bucket = name;
  const w = <T>(fn: () => Promise<T>) => aws.write(fn);
  for (const k of which) {
    if (k === 'blockPublicAccess') {
      if (s.blockPublicAccess) {
        const all = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
        await w(() => s3.putPublicAccessBlock({ Bucket, PublicAccessBlockConfiguration: all }));
      } else await w(() => s3.deletePublicAccessBlock({ Bucket }));
    } else if (k === 'encryption') {
      const byDefault = {
        SSEAlgorithm: s.encryption.algorithm,
        ...(s.encryption.kmsKeyArn ? { KMSMasterKeyID: s.encryption.kmsKeyArn } : {}),
      };
      const rule = {
        ApplyServerSideEncryptionByDefault: byDefault,
        ...(s.encryption.algorithm === 'aws:kms' ? { BucketKeyEnabled: true } : {}),
      };
      await w(() => s3.putBucketEncryption({ Bucket, ServerSideEncryptionConfiguration: { Rules: [rule] } }));
    } else if (k === 'versioning') {
      // Versioning once on can only be suspended.
      if (s.versioning || !fresh)
        await w(() => s3.putBucketVersioning({ Bucket, VersioningConfiguration: { Status: s.versioning ? 'Enabled' : 'Suspended' } }));
    } else if (k === 'lifecycle') {
      if (s.lifecycle.length)
        await w(() => s3.putBucketLifecycleConfiguration({ Bucket, LifecycleConfiguration: { Rules: lifecycleInput(s.lifecycle) } }));
      else if (!fresh) await w(() => s3.deleteBucketLifecycle({ Bucket }));
    } else if (k === 'cors') {
      if (s.cors.length) await w(() => s3.putBucketCors({ Bucket, CORSConfiguration: { CORSRules: corsInput(s.cors) } }));
      else if (!fresh) await w(() => s3.deleteBucketCors({ Bucket }));
    }
  }
}

/** Deletes every object version and delete marker, a page (up to 1,000) at a time. */
async function emptyBucket(aws: Aws, name: string): Promise<void> {
  const s3 = await aws.s3();
  for (;;) {
    const page = await read(aws, () => s3.listObjectVersions({ Bucket: name, MaxKeys: 1000 }));
    const Objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key ?? '', VersionId: v.VersionId }));
    if (!Objects.length) return;
    const out = await aws.write(() => s3.deleteObjects({ Bucket: name, Delete: { Objects, Quiet: true } }));
    if (out.Errors?.length)
      throw new Error(`S3 DeleteObjects in ${name}: ${out.Errors[0].Key}: ${out.Errors[0].Code} ${out.Errors[0].Message}`);
  }
}

/**
 * DeleteBucket; a bucket already gone is fine. `empty`: the run allows losing its objects (they are deleted
 * first); without it a bucket that holds objects now (put there after the plan) is left as it is.
 */
export async function deleteBucket(aws: Aws, name: string, opts: { empty: boolean }): Promise<void> {
  const s3 = await aws.s3();
  try {
    if (opts.empty) await emptyBucket(aws, name);
    else if (!(await isBucketEmpty(aws, name)))
      throw new UserError(`bucket ${name} holds objects put there since the plan was made: not deleted`, {
        hint: 'run ops destroy (or deploy) again with --allow-data-loss to delete it with its objects',
      });
    await aws.write(() => s3.deleteBucket({ Bucket: name }));
  } catch (error) {
    if (!isMissingBucket(error)) throw error;
  }
}
