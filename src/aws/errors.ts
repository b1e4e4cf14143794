import { UserError } from '../errors.js';

/** What an SDK error looks like to us: a name, a message, and sometimes HTTP metadata or a Node error code. */
export interface AwsErrorLike {
  name?: string;
  message?: string;
  code?: string;
  hostname?: string;
  address?: string;
  port?: number;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
  /** Set by our middleware (clients.ts): `lambda.GetFunction`. */
  $opsOperation?: string;
  /** Set by our middleware on a timeout: where the request was going, and the call's budget. */
  $opsTarget?: string;
  $opsBudgetSeconds?: number;
}

/** Where the failing call was going, for error hints. */
export interface ErrorContext {
  region?: string;
  endpointUrl?: string;
  profile?: string;
  /** `lambda.GetFunction`; taken from the error when our middleware tagged it. */
  operation?: string;
}

const asAws = (err: unknown): AwsErrorLike => (typeof err === 'object' && err !== null ? (err as AwsErrorLike) : {});
export const nameOf = (err: unknown) => asAws(err).name ?? '';
export const statusOf = (err: unknown) => asAws(err).$metadata?.httpStatusCode;

const NOT_FOUND = new Set([
  'ResourceNotFoundException', // Lambda, CloudWatch Logs
  'NoSuchEntity', // IAM (query protocol code)
  'NoSuchEntityException', // IAM (SDK class name)
  'NotFoundException', // API Gateway v2
  'ParameterNotFound', // SSM
  'NotFound', // SNS (query protocol code)
  'ProvisionedConcurrencyConfigNotFoundException', // Lambda
]);

/** True for each service's "it does not exist" error. */
export function isNotFound(err: unknown): boolean {
  return NOT_FOUND.has(nameOf(err)) || (statusOf(err) === 404 && nameOf(err) !== 'UnknownOperationException');
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'TransactionInProgressException',
]);

/** Rate limiting by any service (Lambda 429, IAM `Throttling`, JSON `ThrottlingException`, ...). */
export function isThrottling(err: unknown): boolean {
  const e = asAws(err);
  return THROTTLING.has(nameOf(err)) || e.$retryable?.throttling === true || statusOf(err) === 429;
}

/** Lambda's 409 while the function is being created or updated. */
export function isConflict(err: unknown): boolean {
  return nameOf(err) === 'ResourceConflictException';
}

/** Lambda's 409 for a name that is taken (CreateFunction, CreateAlias). */
export function isAlreadyExists(err: unknown): boolean {
  const name = nameOf(err);
  if (name === 'ResourceAlreadyExistsException' || name === 'EntityAlreadyExists' || name === 'EntityAlreadyExistsException') return true;
  return name === 'ResourceConflictException' && /already exists?/i.test(asAws(err).message ?? '');
}

/**
 * What Lambda answers for some seconds after a new role (or a new inline policy on it) was created:
 * the role is not yet visible to Lambda. Retried with backoff, never forever.
 */
export function isRolePropagation(err: unknown): boolean {
  if (nameOf(err) !== 'InvalidParameterValueException') return false;
  const message = asAws(err).message ?? '';
  return /cannot be assumed by Lambda/i.test(message) || /execution role does not have permissions/i.test(message);
}

/** Seconds a throttling error asks us to wait (Lambda sends `Retry-After`), if any. */
export function retryAfterMs(err: unknown): number | undefined {
  const raw = (err as { retryAfterSeconds?: string | number } | undefined)?.retryAfterSeconds;
  const seconds = typeof raw === 'string' ? Number.parseFloat(raw) : raw;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

const CREDENTIALS_HINT =
  'pass --profile (or set AWS_PROFILE), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; with SSO run `aws sso login` first';
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'AuthFailure',
  'InvalidAccessKeyId',
]);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'TimeoutError']);
const TIMEOUT_HINT = '--timeout <seconds> (or OPS_AWS_TIMEOUT) waits longer';

const endpointHint = (ctx: ErrorContext) =>
  ctx.endpointUrl
    ? 'is the endpoint up? check --endpoint-url / AWS_ENDPOINT_URL and any HTTP proxy in between'
    : 'check the network connection and any HTTP proxy in between';

/** A call that got no answer within its budget (every attempt it was allowed). */
export function noAnswer(target: string, operation: string, seconds: number, ctx: ErrorContext = {}, cause?: unknown): UserError {
  return new UserError(`cannot reach ${target} (${operation}): no answer within ${seconds} s`, {
    hint: `${endpointHint(ctx)}; ${TIMEOUT_HINT}`,
    cause,
  });
}

/** Something answered, but not AWS: an HTML page, plain text, an empty body where AWS always sends one. */
export function notAnAwsAnswer(target: string, operation: string, what: string, status: number, ctx: ErrorContext = {}): UserError {
  return new UserError(`${operation} answered with ${what} (HTTP ${status}) from ${target}, not an AWS response`, {
    hint: ctx.endpointUrl
      ? 'check --endpoint-url / AWS_ENDPOINT_URL, and any HTTP proxy (HTTPS_PROXY) between ops and it'
      : 'check any HTTP proxy (HTTPS_PROXY) or captive portal between ops and AWS',
  });
}

/**
 * Turns an SDK failure the user can fix (credentials, permissions, endpoint, region) into a
 * one-line `UserError` with a hint. Anything else, including a `UserError`, comes back as it was.
 */
export function toUserError(err: unknown, ctx: ErrorContext = {}): unknown {
  if (err instanceof UserError || typeof err !== 'object' || err === null) return err;
  const e = asAws(err);
  const name = e.name ?? '';
  const message = e.message ?? '';
  const operation = e.$opsOperation ?? ctx.operation;
  const profile = ctx.profile ? ` (profile ${ctx.profile})` : '';
  const cause = { cause: err };

  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    if (/sso.*(expired|refresh)|token.*expired/i.test(message)) {
      return new UserError(`the AWS SSO session${profile} has expired`, {
        hint: `run \`aws sso login${ctx.profile ? ` --profile ${ctx.profile}` : ''}\``,
        ...cause,
      });
    }
    const missingProfile = /Profile (\S+) (?:could not be found|not found)/i.exec(message);
    if (missingProfile) {
      return new UserError(`AWS profile ${missingProfile[1]} is not in ~/.aws/config or ~/.aws/credentials`, {
        hint: 'check the name, or run `aws configure --profile <name>`',
        ...cause,
      });
    }
    return new UserError(`no AWS credentials found${profile}`, { hint: CREDENTIALS_HINT, ...cause });
  }
  if (EXPIRED.has(name) || /security token included in the request is expired|token has expired/i.test(message)) {
    return new UserError(`the AWS credentials${profile} have expired`, {
      hint: 'refresh them (`aws sso login`, or a new session token) and run the command again',
      ...cause,
    });
  }
  if (BAD_CREDENTIALS.has(name)) {
    return new UserError(`AWS rejected the credentials${profile} (${name})`, {
      hint: `check the access key and secret; ${CREDENTIALS_HINT}`,
      ...cause,
    });
  }
  if (ACCESS_DENIED.has(name)) {
    const action = /perform: ([\w-]+:[\w*]+)/.exec(message)?.[1] ?? (operation ? operation.replace('.', ':') : 'this operation');
    const resource = /on resource: (\S+)/.exec(message)?.[1];
    return new UserError(`access denied: the AWS identity${profile} may not call ${action}${resource ? ` on ${resource}` : ''}`, {
      hint: `grant ${action} to the identity (or use a profile that has it)`,
      ...cause,
    });
  }
  if (/Invalid region in client config|Region is missing/i.test(message)) {
    return new UserError(ctx.region ? `invalid AWS region "${ctx.region}"` : 'no AWS region set', {
      hint: 'pass --region (e.g. us-east-1), set AWS_REGION, or set region in the fleet config',
      ...cause,
    });
  }
  const code = e.code ?? (UNREACHABLE.has(name) ? name : '');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    const host = e.hostname ?? /(?:ENOTFOUND|EAI_AGAIN) (\S+)/.exec(message)?.[1] ?? '';
    if (!ctx.endpointUrl && ctx.region && host.includes(`.${ctx.region}.`)) {
      return new UserError(`cannot resolve ${host}: is "${ctx.region}" an AWS region?`, {
        hint: 'check --region / AWS_REGION (e.g. us-east-1) and the network connection',
        ...cause,
      });
    }
    return new UserError(`cannot resolve ${host || ctx.endpointUrl || 'the AWS endpoint'}`, {
      hint: ctx.endpointUrl
        ? 'check --endpoint-url / AWS_ENDPOINT_URL'
        : 'check the network connection (or pass --endpoint-url for an emulator)',
      ...cause,
    });
  }
  if (name === 'TimeoutError' && e.code !== 'ECONNRESET' && e.code !== 'EPIPE') {
    const target = e.$opsTarget ?? ctx.endpointUrl ?? 'the AWS endpoint';
    const connectMs = /did not establish a connection .* timeout of (\d+) ms/.exec(message)?.[1];
    if (connectMs) {
      return new UserError(
        `cannot reach ${target}${operation ? ` (${operation})` : ''}: no connection within ${Number(connectMs) / 1000} s`,
        {
          hint: endpointHint(ctx),
          ...cause,
        },
      );
    }
    const seconds = e.$opsBudgetSeconds ?? Number(/(\d+) ms/.exec(message)?.[1] ?? Number.NaN) / 1000;
    return noAnswer(target, operation ?? 'the call', Number.isFinite(seconds) ? seconds : 0, ctx, err);
  }
  if (UNREACHABLE.has(code)) {
    const target = ctx.endpointUrl ?? (e.address ? `${e.address}${e.port ? `:${e.port}` : ''}` : 'the AWS endpoint');
    return new UserError(`cannot reach ${target} (${code})`, {
      hint: ctx.endpointUrl
        ? 'is the endpoint running? pass --endpoint-url (or set AWS_ENDPOINT_URL) to use another one'
        : 'check the network connection, or pass --endpoint-url to use an emulator',
      ...cause,
    });
  }
  const status = statusOf(err);
  // Throttling stays as it is: our own retry (withThrottleRetry) and the limiter act on it.
  if (status !== undefined && status >= 500 && !isThrottling(err)) {
    // The SDK has already retried it: name what failed, and say that a re-run is the fix.
    const what = [name && !/^(Error|Unknown|UnknownError)$/.test(name) ? name : '', firstLine(message)].filter(Boolean).join(': ');
    const failure = new UserError(`AWS failed: ${operation ?? 'a call'} answered HTTP ${status}${what ? ` (${what})` : ''}`, {
      hint: 'a failure on the AWS side, not in ops or your config: run the command again in a moment',
      ...cause,
    });
    // Callers that branch on the status (an emulator's 500 on percentiles in metrics) still can.
    return Object.assign(failure, { $metadata: e.$metadata });
  }
  return err;
}

const firstLine = (text: string) => text.split('\n')[0].slice(0, 200);

/** The promise's value, or `undefined` when AWS says the resource does not exist (deletes of what is gone, reads of what may not exist). */
export async function orNotFound<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
