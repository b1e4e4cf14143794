import { UserError } from '../errors.js';

/** Lambda's quota for a zip uploaded directly in CreateFunction / UpdateFunctionCode. */
export const LAMBDA_ZIPPED_LIMIT = 50 * 1024 * 1024;
/** Lambda's quota for the unzipped deployment package (function code; layers count against it too). */
export const LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024;

export interface SizeLimits {
  zipped: number;
  unzipped: number;
}

export const LAMBDA_LIMITS: SizeLimits = { zipped: LAMBDA_ZIPPED_LIMIT, unzipped: LAMBDA_UNZIPPED_LIMIT };

/** Code staged through S3 (`deploy.bucket`) is held only to the unzipped quota. */
export const STAGED_LIMITS: SizeLimits = { zipped: LAMBDA_UNZIPPED_LIMIT, unzipped: LAMBDA_UNZIPPED_LIMIT };

/** The quotas a fleet's zips must meet: staged through its bucket, or uploaded directly. */
export const limitsFor = (fleet: { bucket?: string }): SizeLimits => (fleet.bucket ? STAGED_LIMITS : LAMBDA_LIMITS);

/** `12.3 MB`, `4.0 KB`, `512 B` (binary units, as the Lambda quotas are). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function hintFor(language: 'node' | 'python'): string {
  return language === 'node'
    ? 'mark large dependencies as external (bundle.external) and ship them in a layer, turn on bundle.minify, or leave @aws-sdk/* to the runtime (bundleAwsSdk: false)'
    : 'trim requirements.txt (boto3 and botocore are already in the runtime), move large dependencies to a layer, or exclude data files from the function directory';
}

/** Throws a UserError naming the function, the size and the quota when the unzipped code is too big. */
export function assertUnzippedSize(fnKey: string, language: 'node' | 'python', bytes: number, limits: SizeLimits = LAMBDA_LIMITS): void {
  if (bytes <= limits.unzipped) return;
  throw new UserError(
    `${fnKey}: the code is ${formatBytes(bytes)} unzipped, over Lambda's ${formatBytes(limits.unzipped)} limit for a deployment package`,
    { hint: hintFor(language) },
  );
}

/** Throws a UserError naming the function, the size and the quota when the zip is too big to upload. */
export function assertZippedSize(fnKey: string, language: 'node' | 'python', bytes: number, limits: SizeLimits = LAMBDA_LIMITS): void {
  if (bytes <= limits.zipped) return;
  throw new UserError(`${fnKey}: the zip is ${formatBytes(bytes)}, over Lambda's ${formatBytes(limits.zipped)} limit for a direct upload`, {
    hint: `${hintFor(language)}; or stage code through S3 (deploy.bucket: an existing bucket), which lifts this limit`,
  });
}
