import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CreateFunctionRequest, UpdateFunctionConfigurationRequest } from '@aws-sdk/client-lambda';
import { functionArn, liveAliasArn as liveAliasArnIn, notOwnedReason, OWNER_APP_TAG, OWNER_STAGE_TAG } from '../config/naming.js';
import { UserError } from '../errors.js';
import type { FunctionConfiguration } from '../model/actual.js';
import type { Aws } from './clients.js';
import { isAlreadyExists, orNotFound } from './errors.js';
import { read, waitForFunctionReady, withConflictRetry, withRolePropagationRetry } from './retry.js';
import { stageZip } from './s3.js';

/** Writers for Lambda functions: create, code, configuration, tags, versions, delete (the `live` alias: lambda-alias.ts). */

export interface WriteOptions {
  /** Why a write is waiting (IAM propagation, an update in progress): for the progress line. */
  onWait?: (reason: string) => void;
}

const base64Sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');

/** `arn:aws:lambda:{region}:{account}:function:{name}` in the caller's account. */
export async function lambdaFunctionArn(aws: Aws, name: string): Promise<string> {
  return functionArn(aws.region, await aws.accountId(), name);
}

/** The ARN of a function's `live` alias: what API Gateway integrations point at. */
export async function liveAliasArn(aws: Aws, name: string): Promise<string> {
  return liveAliasArnIn(aws.region, await aws.accountId(), name);
}

/** Configuration fields as UpdateFunctionConfiguration takes them (architecture is UpdateFunctionCode's). */
export function toConfigurationInput(name: string, config: FunctionConfiguration): UpdateFunctionConfigurationRequest {
  return {
    FunctionName: name,
    Role: config.role,
    Runtime: config.runtime as UpdateFunctionConfigurationRequest['Runtime'],
    Handler: config.handler,
    Description: config.description,
    MemorySize: config.memory,
    Timeout: config.timeout,
    EphemeralStorage: { Size: config.ephemeralStorage },
    Environment: { Variables: config.environment },
    Layers: config.layers,
    TracingConfig: { Mode: config.tracing },
    // Empty lists detach the function from a VPC.
    VpcConfig: { SubnetIds: config.vpc?.subnetIds ?? [], SecurityGroupIds: config.vpc?.securityGroupIds ?? [] },
  };
}

function toCreateInput(
  name: string,
  config: FunctionConfiguration,
  code: FunctionCode,
  tags: Record<string, string>,
): CreateFunctionRequest {
  const { VpcConfig, ...rest } = toConfigurationInput(name, config);
  return {
    ...rest,
    FunctionName: name,
    Role: config.role,
    Code: code,
    Architectures: [config.architecture],
    PackageType: 'Zip',
    Publish: false,
    Tags: tags,
    ...(config.vpc ? { VpcConfig } : {}),
  };
}

export interface CreateFunctionInput {
  name: string;
  config: FunctionConfiguration;
  zipPath: string;
  tags: Record<string, string>;
  /** Stage the zip through this S3 bucket instead of sending its bytes (`deploy.bucket`). */
  bucket?: string;
}

type FunctionCode = { ZipFile: Uint8Array } | { S3Bucket: string; S3Key: string };

/**
 * The zip as Lambda takes it: its bytes, or where it was staged in the bucket. Function code is
 * staged by content alone (`ops/functions/{sha256}.zip`), so functions sharing a build share one object.
 */
const codeOf = async (aws: Aws, _name: string, zip: Uint8Array, bucket: string | undefined): Promise<FunctionCode> =>
  bucket ? stageZip(aws, bucket, 'functions', zip) : { ZipFile: zip };

/**
 * CreateFunction from a zip on disk (not published: `alias.publish` does that), retrying while a new
 * role propagates, then waits until the function is Active. If a function by that name exists with
 * our tags and the same code (a retried create whose answer was lost) it is taken as created.
 */
export async function createFunction(
  aws: Aws,
  input: CreateFunctionInput,
  opts: WriteOptions = {},
): Promise<{ arn: string; codeSha256: string }> {
  const lambda = await aws.lambda();
  const zip = await readFile(input.zipPath);
  const code = await codeOf(aws, input.name, zip, input.bucket);
  let result: { arn: string; codeSha256: string };
  try {
    const created = await withRolePropagationRetry(
      () => aws.write(() => lambda.createFunction(toCreateInput(input.name, input.config, code, input.tags))),
      opts.onWait,
      aws.retry,
    );
    result = { arn: created.FunctionArn!, codeSha256: created.CodeSha256 ?? base64Sha256(zip) };
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    const existing = await read(aws, () => lambda.getFunction({ FunctionName: input.name }));
    const ours = !notOwnedReason(existing.Tags, input.tags[OWNER_APP_TAG] ?? '', input.tags[OWNER_STAGE_TAG] ?? '');
    if (!ours || existing.Configuration?.CodeSha256 !== base64Sha256(zip)) {
      throw new UserError(`lambda function ${input.name} already exists${ours ? ' with other code' : ' and ops does not manage it'}`, {
        hint: ours ? 'run the deploy again: the plan will see it' : 'delete or rename that function, or change the app or stage name',
        cause: error,
      });
    }
    result = { arn: existing.Configuration.FunctionArn!, codeSha256: existing.Configuration.CodeSha256 };
  }
  await waitForFunctionReady(aws, input.name, { onWait: opts.onWait });
  return result;
}

export interface UpdateCodeInput {
  name: string;
  zipPath: string;
  /** The sha the plan expects: a zip changed since the plan fails instead of shipping unplanned code. */
  codeSha256?: string;
  /** Architecture changes go through UpdateFunctionCode, with the code built for it. */
  architecture?: 'x86_64' | 'arm64';
  bucket?: string;
}

/** UpdateFunctionCode with the zip bytes: waits for any update in progress, then for this one. */
export async function updateFunctionCode(aws: Aws, input: UpdateCodeInput, opts: WriteOptions = {}): Promise<{ codeSha256: string }> {
  const lambda = await aws.lambda();
  const zip = await readFile(input.zipPath);
  const sha = base64Sha256(zip);
  if (input.codeSha256 && input.codeSha256 !== sha) {
    throw new UserError(`the zip for ${input.name} changed since the plan (${input.zipPath})`, { hint: 'run the deploy again' });
  }
  const code = await codeOf(aws, input.name, zip, input.bucket);
  await waitForFunctionReady(aws, input.name, { checkUpdate: false, onWait: opts.onWait });
  const updated = await withConflictRetry(
    () =>
      aws.write(() =>
        lambda.updateFunctionCode({
          FunctionName: input.name,
          ...code,
          Publish: false,
          ...(input.architecture ? { Architectures: [input.architecture] } : {}),
        }),
      ),
    opts.onWait,
    aws.retry,
  );
  await waitForFunctionReady(aws, input.name, { onWait: opts.onWait });
  return { codeSha256: updated.CodeSha256 ?? sha };
}

/**
 * UpdateFunctionConfiguration with the whole desired configuration: waits before (an update in
 * progress makes it fail) and after; retries conflicts and, for a new role, IAM propagation.
 * `config.architecture` is not applied here (see updateFunctionCode).
 */
export async function updateFunctionConfiguration(
  aws: Aws,
  name: string,
  config: FunctionConfiguration,
  opts: WriteOptions = {},
): Promise<void> {
  const lambda = await aws.lambda();
  await waitForFunctionReady(aws, name, { checkUpdate: false, onWait: opts.onWait });
  await withRolePropagationRetry(
    () =>
      withConflictRetry(
        () => aws.write(() => lambda.updateFunctionConfiguration(toConfigurationInput(name, config))),
        opts.onWait,
        aws.retry,
      ),
    opts.onWait,
    aws.retry,
  );
  await waitForFunctionReady(aws, name, { onWait: opts.onWait });
}

export async function tagFunction(aws: Aws, name: string, tags: Record<string, string>): Promise<void> {
  if (Object.keys(tags).length === 0) return;
  const lambda = await aws.lambda();
  const Resource = await lambdaFunctionArn(aws, name);
  await aws.write(() => lambda.tagResource({ Resource, Tags: tags }));
}

export async function untagFunction(aws: Aws, name: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const lambda = await aws.lambda();
  const Resource = await lambdaFunctionArn(aws, name);
  await aws.write(() => lambda.untagResource({ Resource, TagKeys: keys }));
}

/** Deletes published versions (never `live`'s: Lambda refuses that). Versions already gone are fine. */
export async function deleteVersions(aws: Aws, name: string, versions: string[]): Promise<void> {
  const lambda = await aws.lambda();
  await Promise.all(versions.map((Qualifier) => orNotFound(aws.write(() => lambda.deleteFunction({ FunctionName: name, Qualifier })))));
}

/** Deletes the function with its versions and aliases. A function already gone is fine. */
export async function deleteFunction(aws: Aws, name: string, opts: WriteOptions = {}): Promise<void> {
  const lambda = await aws.lambda();
  await orNotFound(withConflictRetry(() => aws.write(() => lambda.deleteFunction({ FunctionName: name })), opts.onWait, aws.retry));
}
