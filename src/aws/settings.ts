import { ASYNC_MARKER_TAG, LIVE_ALIAS, PROVISIONED_MARKER_TAG } from '../config/naming.js';
import { UserError } from '../errors.js';
import type { ActualAsyncConfig, ActualFunction } from '../model/actual.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { addPermission, getAliasPolicy } from './lambda-alias.js';
import { mapLimit } from './pool.js';
import { read, withConflictRetry } from './retry.js';

/**
 * Function settings that live outside its configuration: reserved concurrency (the function),
 * provisioned concurrency and asynchronous invocation (the `live` alias), and the statements that
 * let triggers invoke `live`. Lambda answers ResourceConflictException while an update is in
 * progress, so every write retries that.
 */

const write = <T>(aws: Aws, fn: () => Promise<T>) => withConflictRetry(() => aws.write(fn), undefined, aws.retry);

export async function putReservedConcurrency(aws: Aws, name: string, n: number): Promise<void> {
  const lambda = await aws.lambda();
  await write(aws, () => lambda.putFunctionConcurrency({ FunctionName: name, ReservedConcurrentExecutions: n }));
}

export async function deleteReservedConcurrency(aws: Aws, name: string): Promise<void> {
  const lambda = await aws.lambda();
  await orNotFound(write(aws, () => lambda.deleteFunctionConcurrency({ FunctionName: name })));
}

/** Requests provisioned concurrency on `live` (allocation then takes minutes; this does not wait for it). */
export async function putProvisionedConcurrency(aws: Aws, name: string, n: number): Promise<void> {
  const lambda = await aws.lambda();
  try {
    await write(aws, () =>
      lambda.putProvisionedConcurrencyConfig({ FunctionName: name, Qualifier: LIVE_ALIAS, ProvisionedConcurrentExecutions: n }),
    );
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    // An endpoint without the API answers 404 with a page, not a Lambda error (moto 5.2.1 does).
    if (e.$metadata?.httpStatusCode === 404 && !/NotFound/.test(e.name ?? '')) {
      throw new UserError(
        `${aws.endpointUrl ?? 'the Lambda endpoint'} has no provisioned concurrency API (PutProvisionedConcurrencyConfig)`,
        {
          hint: 'leave provisionedConcurrency out of the config for this endpoint (moto does not implement it)',
          cause: error,
        },
      );
    }
    throw error;
  }
}

export async function deleteProvisionedConcurrency(aws: Aws, name: string): Promise<void> {
  const lambda = await aws.lambda();
  await orNotFound(write(aws, () => lambda.deleteProvisionedConcurrencyConfig({ FunctionName: name, Qualifier: LIVE_ALIAS })));
}

/** PutFunctionEventInvokeConfig on `live`: the whole configuration (a field left out goes back to Lambda's default). */
export async function putAsyncConfig(aws: Aws, name: string, config: ActualAsyncConfig): Promise<void> {
  const lambda = await aws.lambda();
  await write(aws, () =>
    lambda.putFunctionEventInvokeConfig({
      FunctionName: name,
      Qualifier: LIVE_ALIAS,
      ...(config.maxRetries !== undefined ? { MaximumRetryAttempts: config.maxRetries } : {}),
      ...(config.maxEventAgeSeconds !== undefined ? { MaximumEventAgeInSeconds: config.maxEventAgeSeconds } : {}),
      ...(config.onFailure ? { DestinationConfig: { OnFailure: { Destination: config.onFailure } } } : {}),
    }),
  );
}

export async function deleteAsyncConfig(aws: Aws, name: string): Promise<void> {
  const lambda = await aws.lambda();
  await orNotFound(write(aws, () => lambda.deleteFunctionEventInvokeConfig({ FunctionName: name, Qualifier: LIVE_ALIAS })));
}

export interface TriggerPermissionInput {
  /** Function name; the statement goes on its `live` alias. */
  name: string;
  statementId: string;
  /** `events.amazonaws.com`, `sns.amazonaws.com`. */
  principal: string;
  /** The rule or topic allowed to invoke. */
  sourceArn: string;
  /** The account that owns the source (S3: a bucket ARN names none). */
  sourceAccount?: string;
}

/**
 * Replaces the statements with this id on `live` (none is fine; one call per statement, as moto
 * keeps duplicates), then adds it back once (addPermission survives its own lost answer).
 */
export async function setTriggerPermission(aws: Aws, input: TriggerPermissionInput): Promise<void> {
  const current = (await getAliasPolicy(aws, input.name)).filter((s) => s.Sid === input.statementId);
  for (const _ of current) await removeTriggerPermission(aws, input.name, input.statementId);
  await addPermission(aws, {
    name: input.name,
    statementId: input.statementId,
    principal: input.principal,
    sourceArn: input.sourceArn,
    ...(input.sourceAccount ? { sourceAccount: input.sourceAccount } : {}),
  });
}

/** Removes one statement from the `live` alias policy; a statement, alias or function already gone is fine. */
export async function removeTriggerPermission(aws: Aws, name: string, statementId: string): Promise<void> {
  const lambda = await aws.lambda();
  await orNotFound(write(aws, () => lambda.removePermission({ FunctionName: name, Qualifier: LIVE_ALIAS, StatementId: statementId })));
}

/** Names of the functions whose config wants each `live` setting (read whether or not they are marked). */
export interface WantedSettings {
  async: Set<string>;
  provisioned: Set<string>;
}

/**
 * Provisioned concurrency and asynchronous invocation settings of the `live` aliases, filled into the
 * functions given. Only asked of functions tagged as having them (ASYNC_MARKER_TAG, PROVISIONED_MARKER_TAG)
 * or whose config wants them: two calls for every function of a large fleet would cost more than the
 * rest of its read.
 */
export async function readFunctionSettings(
  aws: Aws,
  functions: Record<string, ActualFunction>,
  wanted: WantedSettings,
  concurrency = 16,
): Promise<void> {
  const lambda = await aws.lambda();
  const asks = Object.values(functions)
    .filter((f) => f.alias)
    .map((fn) => ({
      fn,
      async: fn.tags[ASYNC_MARKER_TAG] !== undefined || wanted.async.has(fn.name),
      provisioned: fn.tags[PROVISIONED_MARKER_TAG] !== undefined || wanted.provisioned.has(fn.name),
    }))
    .filter((a) => a.async || a.provisioned);
  await mapLimit(asks, concurrency, async ({ fn, ...ask }) => {
    const [provisioned, invoke] = await Promise.all([
      // moto has no provisioned concurrency API: its 404 page reads as "none".
      ask.provisioned
        ? orNotFound(read(aws, () => lambda.getProvisionedConcurrencyConfig({ FunctionName: fn.name, Qualifier: LIVE_ALIAS })))
        : undefined,
      ask.async
        ? orNotFound(read(aws, () => lambda.getFunctionEventInvokeConfig({ FunctionName: fn.name, Qualifier: LIVE_ALIAS })))
        : undefined,
    ]);
    if (provisioned?.RequestedProvisionedConcurrentExecutions !== undefined) {
      fn.provisionedConcurrency = provisioned.RequestedProvisionedConcurrentExecutions;
    }
    if (invoke) {
      const onFailure = invoke.DestinationConfig?.OnFailure?.Destination;
      fn.asyncConfig = {
        ...(invoke.MaximumRetryAttempts !== undefined ? { maxRetries: invoke.MaximumRetryAttempts } : {}),
        ...(invoke.MaximumEventAgeInSeconds !== undefined ? { maxEventAgeSeconds: invoke.MaximumEventAgeInSeconds } : {}),
        ...(onFailure ? { onFailure } : {}),
      };
    }
  });
}
