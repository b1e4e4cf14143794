import type { FunctionUrlConfig as SdkUrlConfig } from '@aws-sdk/client-lambda';
import { FUNCTION_URL_STATEMENTS, LIVE_ALIAS } from '../config/naming.js';
import type { FunctionUrlSpec } from '../config/resolve-function-url.js';
import {
  type ActualFunctionUrl,
  functionUrlDiffs,
  grantsPublicUrl,
  normalizeCors,
  type PublicUrlStatement,
} from '../model/function-url.js';
import type { Aws } from './clients.js';
import { isConflict, orNotFound } from './errors.js';
import { getAliasPolicy, removePermissions } from './lambda-alias.js';
import { createOnce } from './once.js';
import { read, withConflictRetry, withRetry } from './retry.js';

/**
 * The Function URL of a function's `live` alias and the statements that make an auth-NONE URL public.
 * Every writer is safe to run again: a create whose answer was lost is found by reading it back.
 */

type SdkUrl = Pick<SdkUrlConfig, 'FunctionUrl' | 'AuthType' | 'Cors' | 'InvokeMode'>;

/** What GetFunctionUrlConfig says, in the spec's shape. Moto answers `Buffered` where AWS says `BUFFERED`. */
export function toActualFunctionUrl(c: SdkUrl): ActualFunctionUrl {
  const cors = normalizeCors(c.Cors);
  return {
    url: c.FunctionUrl ?? '',
    auth: c.AuthType === 'NONE' ? 'NONE' : 'AWS_IAM',
    ...(cors ? { cors } : {}),
    invokeMode: String(c.InvokeMode ?? 'BUFFERED').toUpperCase() === 'RESPONSE_STREAM' ? 'RESPONSE_STREAM' : 'BUFFERED',
  };
}

/** The URL of `live`, or undefined when it has none (or the function or alias is gone). */
export async function getFunctionUrl(aws: Aws, name: string): Promise<ActualFunctionUrl | undefined> {
  const lambda = await aws.lambda();
  const found = await orNotFound(read(aws, () => lambda.getFunctionUrlConfig({ FunctionName: name, Qualifier: LIVE_ALIAS })));
  return found ? toActualFunctionUrl(found) : undefined;
}

/**
 * Creates the URL of `live`. The SDK resends a create whose answer was lost, and AWS then answers
 * ResourceConflictException (the URL exists): the URL is read back, and brought to the spec if it
 * differs. A conflict with no URL there is an update of the function in progress, and is waited out.
 */
export async function createFunctionUrl(aws: Aws, name: string, spec: FunctionUrlSpec): Promise<ActualFunctionUrl> {
  const lambda = await aws.lambda();
  const create = async () => {
    try {
      const made = await aws.write(() => lambda.createFunctionUrlConfig({ FunctionName: name, Qualifier: LIVE_ALIAS, ...urlInput(spec) }));
      return toActualFunctionUrl(made);
    } catch (error) {
      if (!isConflict(error)) throw error;
      const there = await getFunctionUrl(aws, name);
      if (!there) throw error;
      return functionUrlDiffs(spec, there).length ? updateFunctionUrl(aws, name, spec) : there;
    }
  };
  return withRetry(create, { retryable: isConflict, delaysMs: aws.retry.conflictDelaysMs, policy: aws.retry });
}

/** Sets auth, CORS and invoke mode of the existing URL; a spec without CORS clears Lambda's. */
export async function updateFunctionUrl(aws: Aws, name: string, spec: FunctionUrlSpec): Promise<ActualFunctionUrl> {
  const lambda = await aws.lambda();
  const input = { FunctionName: name, Qualifier: LIVE_ALIAS, ...urlInput(spec), Cors: spec.cors ?? {} };
  return toActualFunctionUrl(await withConflictRetry(() => aws.write(() => lambda.updateFunctionUrlConfig(input)), undefined, aws.retry));
}

/** Deletes the URL of `live` and ops's public statements with it; either already gone is fine. */
export async function deleteFunctionUrl(aws: Aws, name: string): Promise<void> {
  const lambda = await aws.lambda();
  await orNotFound(
    withConflictRetry(
      () => aws.write(() => lambda.deleteFunctionUrlConfig({ FunctionName: name, Qualifier: LIVE_ALIAS })),
      undefined,
      aws.retry,
    ),
  );
  await removePublicUrlPermission(aws, name);
}

const urlInput = (spec: FunctionUrlSpec) => ({
  AuthType: spec.auth,
  InvokeMode: spec.invokeMode,
  ...(spec.cors ? { Cors: spec.cors } : {}),
});

/**
 * Makes an auth-NONE URL public: both statements AWS documents (FUNCTION_URL_STATEMENTS), on `live`.
 * A statement already granting exactly that is kept; anything else under our ids is replaced.
 * Returns whether anything was written.
 */
export async function setPublicUrlPermission(aws: Aws, name: string): Promise<{ changed: boolean }> {
  const statements = await getAliasPolicy(aws, name);
  let changed = false;
  for (const kind of Object.keys(FUNCTION_URL_STATEMENTS) as PublicUrlStatement[]) {
    const sid = FUNCTION_URL_STATEMENTS[kind];
    const same = statements.filter((s) => s.Sid === sid);
    if (same.length === 1 && grantsPublicUrl(same[0], kind)) continue;
    if (same.length)
      await removePermissions(
        aws,
        name,
        same.map(() => sid),
      );
    await addPublicStatement(aws, name, kind);
    changed = true;
  }
  return { changed };
}

/** Removes ops's public-URL statements from `live` (auth back to AWS_IAM, or the URL removed). */
export async function removePublicUrlPermission(aws: Aws, name: string): Promise<void> {
  await removePermissions(aws, name, Object.values(FUNCTION_URL_STATEMENTS));
}

/**
 * One AddPermission, attempted once by the SDK (it is in NOT_IDEMPOTENT): after a lost answer the
 * policy is read, and the add is tried again only if the statement is not there.
 */
async function addPublicStatement(aws: Aws, name: string, kind: PublicUrlStatement): Promise<void> {
  const lambda = await aws.lambda();
  const sid = FUNCTION_URL_STATEMENTS[kind];
  const input =
    kind === 'url'
      ? { Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'NONE' as const }
      : { Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true };
  const add = async () => {
    await withRetry(
      () =>
        aws.write(() => lambda.addPermission({ FunctionName: name, Qualifier: LIVE_ALIAS, StatementId: sid, Principal: '*', ...input })),
      // An update in progress is worth waiting for; a statement id that is taken is not.
      { retryable: (e) => isConflict(e) && !isStatementTaken(e), delaysMs: aws.retry.conflictDelaysMs, policy: aws.retry },
    );
    return true as const;
  };
  const found = async () =>
    (await getAliasPolicy(aws, name)).some((s) => s.Sid === sid && grantsPublicUrl(s, kind)) ? (true as const) : undefined;
  try {
    await createOnce(aws, add, found);
  } catch (error) {
    // A concurrent writer made it first (or a lost answer's statement was not yet readable): fine if it is ours.
    if (!isStatementTaken(error) || !(await found())) throw error;
  }
}

const isStatementTaken = (error: unknown) =>
  isConflict(error) && /statement id .*already exists/i.test((error as { message?: string }).message ?? '');
