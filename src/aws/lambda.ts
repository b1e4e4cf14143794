import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CreateFunctionRequest, UpdateFunctionConfigurationRequest } from '@aws-sdk/client-lambda';
import {
  API_PERMISSION_SID,
  apiSourceArn,
  functionArn,
  LIVE_ALIAS,
  liveAliasArn as liveAliasArnIn,
  notOwnedReason,
  OWNER_APP_TAG,
  OWNER_STAGE_TAG,
} from '../config/naming.js';
import { UserError } from '../errors.js';
import type { FunctionConfiguration, PolicyStatement } from '../model/actual.js';
import type { Aws } from './clients.js';
import { isAlreadyExists, isConflict, nameOf, orNotFound } from './errors.js';
import { createOnce } from './once.js';
import { waitForFunctionReady, withConflictRetry, withRetry, withRolePropagationRetry } from './retry.js';
import { stageZip } from './s3.js';

/** Writers for Lambda functions, versions, the `live` alias and its resource policy. */

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
    const existing = await lambda.getFunction({ FunctionName: input.name });
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

/**
 * Publishes $LATEST as a version, guarded by the CodeSha256 the plan expects (so code changed by
 * someone else in between is never published), then points `live` at it, creating the alias the
 * first time. Publishing unchanged code returns the existing version, as Lambda does.
 */
export async function publishVersionAndMoveAlias(
  aws: Aws,
  name: string,
  codeSha256: string,
  opts: WriteOptions & {
    description?: string;
    /** Runs between publishing and moving `live` (the smoke gate); false keeps `live` where it is. */
    beforeMove?: (version: string) => Promise<boolean>;
  } = {},
): Promise<{ version: string; aliasArn: string; moved: boolean; previous?: string }> {
  const lambda = await aws.lambda();
  await waitForFunctionReady(aws, name, { onWait: opts.onWait });
  let version: string;
  try {
    const published = await withConflictRetry(
      () =>
        aws.write(() =>
          lambda.publishVersion({
            FunctionName: name,
            CodeSha256: codeSha256,
            ...(opts.description ? { Description: opts.description } : {}),
          }),
        ),
      opts.onWait,
      aws.retry,
    );
    version = published.Version!;
    // moto ignores the CodeSha256 guard; AWS refuses instead. Either way `live` must not move.
    if (published.CodeSha256 && published.CodeSha256 !== codeSha256) throw codeChanged(name);
  } catch (error) {
    const e = error as { name?: string; message?: string };
    if (e.name === 'InvalidParameterValueException' && /codesha256/i.test(e.message ?? '')) throw codeChanged(name, error);
    throw error;
  }
  const alias = await orNotFound(lambda.getAlias({ FunctionName: name, Name: LIVE_ALIAS }));
  const previous = alias?.FunctionVersion;
  if (opts.beforeMove && previous !== version && !(await opts.beforeMove(version))) {
    return { version, aliasArn: await liveAliasArn(aws, name), moved: false, previous };
  }
  if (!alias) {
    try {
      await aws.write(() => lambda.createAlias({ FunctionName: name, Name: LIVE_ALIAS, FunctionVersion: version }));
    } catch (error) {
      // A retry after a lost answer (or a concurrent deploy) finds it made; moto names that ConflictException.
      if (!isAlreadyExists(error) && nameOf(error) !== 'ConflictException') throw error;
      await aws.write(() => lambda.updateAlias({ FunctionName: name, Name: LIVE_ALIAS, FunctionVersion: version }));
    }
  } else if (alias.FunctionVersion !== version) {
    await withConflictRetry(
      () => aws.write(() => lambda.updateAlias({ FunctionName: name, Name: LIVE_ALIAS, FunctionVersion: version })),
      opts.onWait,
      aws.retry,
    );
  }
  return { version, aliasArn: await liveAliasArn(aws, name), moved: true, previous };
}

const codeChanged = (name: string, cause?: unknown) =>
  new UserError(`the code of ${name} changed during the deploy, so live was not moved to it`, {
    hint: 'is another deploy running? run the deploy again',
    ...(cause ? { cause } : {}),
  });

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

/** Statements of the resource policy on `live`; none when there is no policy (or no alias). */
export async function getAliasPolicy(aws: Aws, name: string): Promise<PolicyStatement[]> {
  const lambda = await aws.lambda();
  const policy = await orNotFound(lambda.getPolicy({ FunctionName: name, Qualifier: LIVE_ALIAS }));
  return policy?.Policy ? ((JSON.parse(policy.Policy) as { Statement?: PolicyStatement[] }).Statement ?? []) : [];
}

export interface ApiPermissionInput {
  /** Function name. */
  name: string;
  /** The API whose routes invoke the function; used to build the SourceArn when `sourceArn` is not given. */
  apiId?: string;
  /** `arn:aws:execute-api:{region}:{account}:{apiId}/*\/*` by default. */
  sourceArn?: string;
  statementId?: string;
  /** Other statement ids to remove first (stale ones the plan found). */
  removeStatementIds?: string[];
}

/**
 * Lets API Gateway invoke the `live` alias: one statement with a fixed id. Stale statements with our
 * ids are removed first, so statements never pile up (moto accepts a duplicate id; AWS refuses it).
 * Nothing is written when the right statement is already there alone.
 */
export async function setApiPermission(aws: Aws, input: ApiPermissionInput): Promise<{ changed: boolean }> {
  const sid = input.statementId ?? API_PERMISSION_SID;
  if (!input.sourceArn && !input.apiId) throw new Error('setApiPermission needs sourceArn or apiId');
  const sourceArn = input.sourceArn ?? apiSourceArn(aws.region, await aws.accountId(), input.apiId!);
  const statements = await getAliasPolicy(aws, input.name);
  const stale = new Set([sid, ...(input.removeStatementIds ?? [])]);
  const ours = statements.filter((s) => s.Sid !== undefined && (stale.has(s.Sid) || s.Sid.startsWith(API_PERMISSION_SID)));
  if (ours.length === 1 && ours[0].Sid === sid && statementSourceArn(ours[0]) === sourceArn && isApiGatewayPrincipal(ours[0].Principal)) {
    return { changed: false };
  }
  // One call per statement, not per id: duplicates (possible on moto) each need removing.
  for (const s of ours) await removeStatement(aws, input.name, s.Sid!);
  await addPermission(aws, { name: input.name, statementId: sid, principal: 'apigateway.amazonaws.com', sourceArn });
  return { changed: true };
}

export interface PermissionInput {
  /** Function name; the statement goes on its `live` alias. */
  name: string;
  statementId: string;
  /** `apigateway.amazonaws.com`, `events.amazonaws.com`, `sns.amazonaws.com`. */
  principal: string;
  sourceArn: string;
}

/**
 * AddPermission on `live`, made idempotent: AWS refuses a statement id that is taken
 * (ResourceConflictException "The statement id (...) provided already exists"; moto accepts a
 * duplicate instead). When the answer was lost or the id is taken, the policy is read: the statement
 * granting exactly this is the one wanted; anything else under the id is removed and the add tried again.
 */
export async function addPermission(aws: Aws, p: PermissionInput): Promise<void> {
  const lambda = await aws.lambda();
  const add = async () => {
    await withRetry(
      () =>
        aws.write(() =>
          lambda.addPermission({
            FunctionName: p.name,
            Qualifier: LIVE_ALIAS,
            StatementId: p.statementId,
            Action: 'lambda:InvokeFunction',
            Principal: p.principal,
            SourceArn: p.sourceArn,
          }),
        ),
      // An update in progress is worth waiting for; a statement id that is taken is not.
      { retryable: (e) => isConflict(e) && !isStatementTaken(e), delaysMs: aws.retry.conflictDelaysMs, policy: aws.retry },
    );
    return true as const;
  };
  const granted = async () => {
    const same = (await getAliasPolicy(aws, p.name)).filter((s) => s.Sid === p.statementId);
    if (same.length === 1 && grants(same[0], p)) return true as const;
    for (const _ of same) await removeStatement(aws, p.name, p.statementId);
    return undefined;
  };
  try {
    await createOnce(aws, add, granted);
  } catch (error) {
    if (!isStatementTaken(error)) throw error;
    // A concurrent writer (or a read that missed the lost call's statement) took the id first.
    if (!(await granted())) await add();
  }
}

const isStatementTaken = (error: unknown) =>
  isConflict(error) && /statement id .*already exists/i.test((error as { message?: string }).message ?? '');

function grants(s: PolicyStatement, p: PermissionInput): boolean {
  const principal = s.Principal;
  const service = typeof principal === 'object' && principal !== null ? (principal as { Service?: unknown }).Service : principal;
  return (s.Effect ?? 'Allow') === 'Allow' && service === p.principal && statementSourceArn(s) === p.sourceArn;
}

/** Removes statements from the `live` alias policy; ids not there are fine. */
export async function removePermissions(aws: Aws, name: string, statementIds: string[]): Promise<void> {
  for (const sid of statementIds) await removeStatement(aws, name, sid);
}

async function removeStatement(aws: Aws, name: string, sid: string): Promise<void> {
  const lambda = await aws.lambda();
  await orNotFound(aws.write(() => lambda.removePermission({ FunctionName: name, Qualifier: LIVE_ALIAS, StatementId: sid })));
}

function statementSourceArn(s: PolicyStatement): string | undefined {
  const arnLike = s.Condition?.ArnLike as Record<string, unknown> | undefined;
  const value = arnLike?.['AWS:SourceArn'] ?? arnLike?.['aws:SourceArn'];
  return typeof value === 'string' ? value : undefined;
}

function isApiGatewayPrincipal(principal: unknown): boolean {
  if (principal === 'apigateway.amazonaws.com') return true;
  return typeof principal === 'object' && principal !== null && (principal as { Service?: unknown }).Service === 'apigateway.amazonaws.com';
}

/** Points `live` at an existing version (rollback). */
export async function moveAlias(aws: Aws, name: string, version: string): Promise<void> {
  const lambda = await aws.lambda();
  await withConflictRetry(
    () => aws.write(() => lambda.updateAlias({ FunctionName: name, Name: LIVE_ALIAS, FunctionVersion: version })),
    undefined,
    aws.retry,
  );
}
