import { API_PERMISSION_SID, apiSourceArn, LIVE_ALIAS } from '../config/naming.js';
import { UserError } from '../errors.js';
import type { PolicyStatement } from '../model/actual.js';
import type { Aws } from './clients.js';
import { isAlreadyExists, isConflict, nameOf, orNotFound } from './errors.js';
import { liveAliasArn, type WriteOptions } from './lambda.js';
import { routingOf, settleAlias } from './lambda-shift.js';
import { createOnce } from './once.js';
import { read, waitForFunctionReady, withConflictRetry, withRetry } from './retry.js';

/**
 * Writers for a function's `live` alias: publishing a version and moving the alias to it (or back, on
 * rollback), and the alias's resource policy (the statements that let API Gateway, rules and topics invoke it).
 */

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
    /** Runs between publishing and moving `live` (the smoke gate); false keeps `live` where it is, 'split' too (a shift left running). */
    beforeMove?: (version: string) => Promise<boolean | 'split'>;
  } = {},
): Promise<{ version: string; aliasArn: string; moved: boolean; split?: boolean; previous?: string }> {
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
  const alias = await orNotFound(read(aws, () => lambda.getAlias({ FunctionName: name, Name: LIVE_ALIAS })));
  const previous = alias?.FunctionVersion;
  const go = opts.beforeMove && previous !== version ? await opts.beforeMove(version) : true;
  if (go !== true)
    return { version, aliasArn: await liveAliasArn(aws, name), moved: false, previous, ...(go === 'split' ? { split: true } : {}) };
  if (!alias) {
    try {
      await aws.write(() => lambda.createAlias({ FunctionName: name, Name: LIVE_ALIAS, FunctionVersion: version }));
    } catch (error) {
      // A retry after a lost answer (or a concurrent deploy) finds it made; moto names that ConflictException.
      if (!isAlreadyExists(error) && nameOf(error) !== 'ConflictException') throw error;
      await aws.write(() => lambda.updateAlias({ FunctionName: name, Name: LIVE_ALIAS, FunctionVersion: version }));
    }
  } else if (alias.FunctionVersion !== version || routingOf(alias).weights) {
    // A split left by an interrupted shift goes too: UpdateAlias without RoutingConfig would keep it.
    const unsplit = routingOf(alias).weights ? { RoutingConfig: { AdditionalVersionWeights: {} } } : {};
    await withConflictRetry(
      () => aws.write(() => lambda.updateAlias({ FunctionName: name, Name: LIVE_ALIAS, FunctionVersion: version, ...unsplit })),
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

/** Statements of the resource policy on `live`; none when there is no policy (or no alias). */
export async function getAliasPolicy(aws: Aws, name: string): Promise<PolicyStatement[]> {
  const lambda = await aws.lambda();
  const policy = await orNotFound(read(aws, () => lambda.getPolicy({ FunctionName: name, Qualifier: LIVE_ALIAS })));
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
  /** An HTTP API's named stage: the built SourceArn allows it only. */
  stage?: string;
}

/**
 * Lets API Gateway invoke the `live` alias: one statement with a fixed id. Stale statements with our
 * ids are removed first, so statements never pile up (moto accepts a duplicate id; AWS refuses it).
 * Nothing is written when the right statement is already there alone.
 */
export async function setApiPermission(aws: Aws, input: ApiPermissionInput): Promise<{ changed: boolean }> {
  const sid = input.statementId ?? API_PERMISSION_SID;
  if (!input.sourceArn && !input.apiId) throw new Error('setApiPermission needs sourceArn or apiId');
  const sourceArn = input.sourceArn ?? apiSourceArn(aws.region, await aws.accountId(), input.apiId!, input.stage);
  const statements = await getAliasPolicy(aws, input.name);
  const stale = new Set([sid, ...(input.removeStatementIds ?? [])]);
  // The default API's stale variants (`ops-http-api-*`) are its own; a named API's statement (`ops-api-{key}`) leaves them.
  const mine = (id: string) => stale.has(id) || (sid === API_PERMISSION_SID && id.startsWith(API_PERMISSION_SID));
  const ours = statements.filter((s) => s.Sid !== undefined && mine(s.Sid));
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
  /** SourceAccount: the source's owner (S3 buckets, whose ARNs name no account). */
  sourceAccount?: string;
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
            ...(p.sourceAccount ? { SourceAccount: p.sourceAccount } : {}),
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

/** Points `live` at an existing version (rollback); a split `live` (a shift) goes whole to it. */
export const moveAlias = (aws: Aws, name: string, version: string): Promise<void> => settleAlias(aws, name, version);
