import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { RetryStrategyV2 } from '@smithy/types';
import { partition } from '../config/naming.js';
import type { ErrorContext } from './errors.js';
import { type LimiterOptions, WriteLimiter } from './limiter.js';
import { instrument, type SdkClient, SERVICE_LABEL, type SendCounter, ServerClock, type ServiceName } from './middleware.js';
import { guardLostResponses } from './once.js';
import { createPacing } from './pacing.js';
import { type RetryPolicy, retryPolicy, withThrottleRetry } from './retry.js';
import type { ACM } from './sdk/acm.js';
import type { ApiGatewayV2 } from './sdk/apigw.js';
import type { APIGateway } from './sdk/apigwrest.js';
import type { CloudWatch } from './sdk/cloudwatch.js';
import type { DynamoDB } from './sdk/dynamodb.js';
import type { EC2 } from './sdk/ec2.js';
import type { EventBridge } from './sdk/events.js';
import type { IAM } from './sdk/iam.js';
import type { Lambda } from './sdk/lambda.js';
import type { CloudWatchLogs } from './sdk/logs.js';
import type { Route53 } from './sdk/route53.js';
import type { S3 } from './sdk/s3.js';
import type { SecretsManager } from './sdk/secretsmanager.js';
import type { SNS } from './sdk/sns.js';
import type { SQS } from './sdk/sqs.js';
import type { SSM } from './sdk/ssm.js';
import type { STS } from './sdk/sts.js';
import type { ResourceGroupsTaggingAPI } from './sdk/tagging.js';
import { createRequestHandler, createRetryStrategy, type Timeouts, timeoutsFrom } from './transport.js';

export interface CreateAwsOptions {
  region: string;
  /** `--profile`; falls back to `env.AWS_PROFILE`. */
  profile?: string;
  /** `--endpoint-url`; falls back to `env.AWS_ENDPOINT_URL`. Used for every service, IAM included. */
  endpointUrl?: string;
  /** The command's environment (not necessarily `process.env`): credentials and fallbacks come from here. */
  env: NodeJS.ProcessEnv;
  /** `--debug`: one line per SDK attempt (service, operation, status, duration), never a parameter value. */
  debug?: (msg: string) => void;
  /** A limiter to share, or options for this instance's own (tests: a fast one). */
  limiter?: WriteLimiter | LimiterOptions;
  /** Overrides for the waits and retries of src/aws/retry.ts (tests: short delays). */
  retry?: Partial<RetryPolicy>;
  /** SDK attempts per call in standard retry mode (default 5). */
  maxAttempts?: number;
  /** Connect and answer timeouts; default from `OPS_AWS_TIMEOUT` in `env`, else DEFAULT_TIMEOUTS. */
  timeouts?: Partial<Timeouts>;
}

/**
 * The AWS clients of one command, each built on first use (importing a client package costs about
 * 100 ms, so a command pays only for the services it touches), plus the shared write limiter and
 * retry policy. Each client has a method per command (`lambda.getFunction({...})`) like the SDK's aggregated
 * ones, but only for the commands ops sends (src/aws/sdk/), so the bundle compiles no others.
 */
export interface Aws {
  readonly region: string;
  /** `aws`, `aws-cn` or `aws-us-gov`, for building ARNs. */
  readonly partition: string;
  /** The custom endpoint every client uses, when there is one. */
  readonly endpointUrl?: string;
  /** Lambda's write limiter (the one most deploys wait on). */
  readonly limiter: WriteLimiter;
  /** The write limiter of a service's control plane (of one operation, where AWS's quota is per operation). */
  limiterFor(service: ServiceName, operation?: string): WriteLimiter;
  readonly retry: RetryPolicy;
  lambda(): Promise<Lambda>;
  iam(): Promise<IAM>;
  ssm(): Promise<SSM>;
  logs(): Promise<CloudWatchLogs>;
  cloudwatch(): Promise<CloudWatch>;
  apigw(): Promise<ApiGatewayV2>;
  /** API Gateway v1: the fleet's REST API (src/resources/rest-api). */
  apigwRest(): Promise<APIGateway>;
  /** EventBridge: the rules behind schedule triggers. */
  events(): Promise<EventBridge>;
  /** SNS: subscriptions of the functions to topics. */
  sns(): Promise<SNS>;
  /** Only for code staged through `deploy.bucket`. */
  s3(): Promise<S3>;
  /** Preflight only: the subnets and security groups of `vpc`. */
  ec2(): Promise<EC2>;
  /** Preflight only: SQS queues named as `async.onFailure`. */
  sqs(): Promise<SQS>;
  /** The fleet's declared tables (src/resources/table). */
  dynamodb(): Promise<DynamoDB>;
  /** The fleet's declared secrets (src/resources/secret, ops secrets). */
  secretsmanager(): Promise<SecretsManager>;
  /** Custom API domains: the alias record in a hosted zone the config names (src/aws/domains.ts). */
  route53(): Promise<Route53>;
  /** Preflight only: the custom domain's certificate. */
  acm(): Promise<ACM>;
  /** The Resource Groups Tagging API: the stage's functions' tags in a few paged calls (src/aws/tagging.ts). */
  tagging(): Promise<ResourceGroupsTaggingAPI>;
  sts(): Promise<STS>;
  /** The caller's account id (STS GetCallerIdentity, asked once). */
  accountId(): Promise<string>;
  /** Runs one write call, retrying throttling with backoff (each SDK attempt passes its service's limiter). */
  write<T>(fn: () => Promise<T>): Promise<T>;
  /** Closes the clients' sockets. */
  destroy(): void;
  /** AWS's clock as far as the answers so far show it (src/aws/middleware.ts). */
  readonly clock: ServerClock;
  /**
   * Settles once every client asked for so far is built (or failed to build), and the calls made with them
   * have had a turn of the event loop to go out.
   */
  sending(): Promise<void>;
}

/** The longest a deploy waits for its read's calls to go out before it builds (`Aws.sending`). */
const SENDING_WAIT_MS = 500;

export function createAws(opts: CreateAwsOptions): Aws {
  const env = opts.env;
  const region = opts.region;
  const ignoreEnvEndpoint = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true';
  const endpointUrl = opts.endpointUrl || (ignoreEnvEndpoint ? undefined : env.AWS_ENDPOINT_URL) || undefined;
  const profile = opts.profile || env.AWS_PROFILE || undefined;
  // One limiter per quota AWS documents (src/aws/quotas.ts): Lambda's control plane, each CloudWatch Logs
  // operation, API Gateway's per-operation rates behind its account total; so a burst of log group writes
  // never slows Lambda's. A limiter passed in applies to every service; options replace every quota's
  // rate (tests pass a fast one).
  const shared = opts.limiter instanceof WriteLimiter ? opts.limiter : undefined;
  const pacing = createPacing(shared ? undefined : (opts.limiter as LimiterOptions | undefined));
  const limiterFor = (service: ServiceName, operation?: string): WriteLimiter => shared ?? pacing(SERVICE_LABEL[service], operation);
  const limiter = limiterFor('lambda');
  const retry = retryPolicy(opts.retry);
  const timeouts: Timeouts = { ...timeoutsFrom(env), ...opts.timeouts };
  const errorContext: ErrorContext = { region, endpointUrl, profile };
  const credentials = credentialsFor(env, opts.profile);
  const built = new Map<ServiceName, Promise<SdkClient>>();
  // Endpoints that let a whole call go unanswered: later calls fail at once instead of waiting again.
  const silentOrigins = new Set<string>();
  const clock = new ServerClock();
  const live: SdkClient[] = [];
  // The calls started and not yet handed to the HTTP handler, and who waits for there to be none (`sending`).
  let unsent = 0;
  const sentWaiters: (() => void)[] = [];
  const sends: SendCounter = {
    started: () => void unsent++,
    handed() {
      unsent--;
      if (unsent === 0) for (const resolve of sentWaiters.splice(0)) resolve();
    },
  };

  const config = (requestHandler: Awaited<ReturnType<typeof createRequestHandler>>, retryStrategy: RetryStrategyV2) => ({
    region,
    requestHandler,
    retryStrategy,
    ...(endpointUrl ? { endpoint: endpointUrl } : {}),
    credentials,
    ...(profile ? { profile } : {}),
    maxAttempts: opts.maxAttempts ?? 5,
    retryMode: 'standard',
  });

  function lazy<T>(service: ServiceName, make: (cfg: ReturnType<typeof config>) => Promise<T>): () => Promise<T> {
    return () => {
      let client = built.get(service);
      if (!client) {
        client = (async () => {
          await silenceNodeVersionWarning();
          const [handler, strategy] = await Promise.all([createRequestHandler(timeouts), createRetryStrategy(opts.maxAttempts ?? 5)]);
          const c = (await make(config(handler, strategy))) as unknown as SdkClient;
          instrument(c, service, { limiterFor, debug: opts.debug, errorContext, timeouts, silentOrigins, clock, sends });
          guardLostResponses(c, SERVICE_LABEL[service]);
          live.push(c);
          return c;
        })();
        client.catch(() => built.delete(service));
        built.set(service, client);
      }
      return client as unknown as Promise<T>;
    };
  }

  const sts = lazy<STS>('sts', async (cfg) => (await import('./sdk/sts.js')).create(cfg));
  let account: Promise<string> | undefined;

  return {
    region,
    partition: partition(region),
    endpointUrl,
    limiter,
    retry,
    clock,
    lambda: lazy<Lambda>('lambda', async (cfg) => (await import('./sdk/lambda.js')).create(cfg)),
    iam: lazy<IAM>('iam', async (cfg) => (await import('./sdk/iam.js')).create(cfg)),
    ssm: lazy<SSM>('ssm', async (cfg) => (await import('./sdk/ssm.js')).create(cfg)),
    logs: lazy<CloudWatchLogs>('logs', async (cfg) => (await import('./sdk/logs.js')).create(cfg)),
    cloudwatch: lazy<CloudWatch>('cloudwatch', async (cfg) => (await import('./sdk/cloudwatch.js')).create(cfg)),
    apigw: lazy<ApiGatewayV2>('apigw', async (cfg) => (await import('./sdk/apigw.js')).create(cfg)),
    apigwRest: lazy<APIGateway>('apigwrest', async (cfg) => (await import('./sdk/apigwrest.js')).create(cfg)),
    events: lazy<EventBridge>('events', async (cfg) => (await import('./sdk/events.js')).create(cfg)),
    sns: lazy<SNS>('sns', async (cfg) => (await import('./sdk/sns.js')).create(cfg)),
    // An endpoint URL (LocalStack, moto) serves buckets by path: bucket.host names do not resolve there.
    s3: lazy<S3>('s3', async (cfg) => (await import('./sdk/s3.js')).create({ ...cfg, ...(endpointUrl ? { forcePathStyle: true } : {}) })),
    ec2: lazy<EC2>('ec2', async (cfg) => (await import('./sdk/ec2.js')).create(cfg)),
    sqs: lazy<SQS>('sqs', async (cfg) => (await import('./sdk/sqs.js')).create(cfg)),
    dynamodb: lazy<DynamoDB>('dynamodb', async (cfg) => (await import('./sdk/dynamodb.js')).create(cfg)),
    secretsmanager: lazy<SecretsManager>('secretsmanager', async (cfg) => (await import('./sdk/secretsmanager.js')).create(cfg)),
    route53: lazy<Route53>('route53', async (cfg) => (await import('./sdk/route53.js')).create(cfg)),
    acm: lazy<ACM>('acm', async (cfg) => (await import('./sdk/acm.js')).create(cfg)),
    tagging: lazy<ResourceGroupsTaggingAPI>('tagging', async (cfg) => (await import('./sdk/tagging.js')).create(cfg)),
    sts,
    async sending() {
      await Promise.allSettled([...built.values()]);
      // The callers' continuations start their calls; then wait until those are handed over (a first call on a
      // client loads node:http first), for at most SENDING_WAIT_MS (credentials that take long to resolve).
      await new Promise((resolve) => setImmediate(resolve));
      if (unsent === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => sentWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, SENDING_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
    },
    accountId() {
      account ??= sts()
        // Throttling retried past the SDK's own attempts, like every other read (a 30 % throttle failed a deploy here).
        .then((client) => withThrottleRetry(() => client.getCallerIdentity({}), { policy: retry }))
        .then((identity) => {
          if (!identity.Account) throw new Error('STS GetCallerIdentity returned no account');
          return identity.Account;
        });
      account.catch(() => (account = undefined));
      return account;
    },
    limiterFor,
    // The write limiters sit in each client's middleware (they know the service); this adds our retry.
    write: (fn) => withThrottleRetry(fn, { policy: retry }),
    destroy() {
      for (const client of live.splice(0)) client.destroy();
      built.clear();
    },
  };
}

/**
 * The SDK packages are CommonJS. Node's loader (and vitest) give their exports as named exports and
 * as `default`; an esbuild ESM bundle (dist/) gives only `default`. Take `default` when it is there.
 */
export function cjs<T extends object>(mod: T): T {
  return (mod as { default?: T }).default ?? mod;
}

/**
 * Keys in the command's env win (tests and CI), then `--profile` / AWS_PROFILE from the shared
 * files named by the env, then the SDK's default chain (SSO, IMDS, container credentials...).
 * One memoized provider serves every client, so an SSO or assume-role profile is resolved once.
 */
function credentialsFor(env: NodeJS.ProcessEnv, flagProfile: string | undefined): AwsCredentialIdentity | AwsCredentialIdentityProvider {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && !flagProfile) {
    return {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  const profile = flagProfile || env.AWS_PROFILE || undefined;
  const files = {
    ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
  };
  const provider: AwsCredentialIdentityProvider = async () => {
    const { fromIni, fromNodeProviderChain } = cjs(await import('@aws-sdk/credential-providers'));
    return profile ? fromIni({ profile, ...files })() : fromNodeProviderChain(files)();
  };
  return memoizeCredentials(provider);
}

function memoizeCredentials(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  let value: AwsCredentialIdentity | undefined;
  return async () => {
    const fresh = value && (!value.expiration || value.expiration.getTime() - Date.now() > 5 * 60_000);
    if (fresh) return value!;
    current ??= provider().then(
      (identity) => {
        value = identity;
        current = undefined;
        return identity;
      },
      (error) => {
        current = undefined;
        throw error;
      },
    );
    return current;
  };
}

let warningSilenced: Promise<void> | undefined;

/**
 * Starts loading the client modules a deploy reads with, ahead of need: while the config loads (esbuild
 * works in its own process) the main thread is free, and `import()` keeps each module for `lazy` above.
 * The look at the stage's lease (SSM) comes first: the read waits for it.
 */
export function preloadDeployClients(): void {
  const loads = [
    () => import('./sdk/ssm.js'),
    () => import('./sdk/lambda.js'),
    () => import('./sdk/tagging.js'),
    () => import('./sdk/iam.js'),
    () => import('./sdk/logs.js'),
    () => import('./sdk/apigw.js'),
  ];
  for (const load of loads) load().catch(() => {});
}

/**
 * The SDK warns once per process that Node 20 support ends; a CLI should not print that on every
 * command. One promise for every caller: clients built at once all wait until the switch is set.
 */
function silenceNodeVersionWarning(): Promise<void> {
  warningSilenced ??= (async () => {
    try {
      const { state } = cjs(await import('@aws-sdk/core/client'));
      state.warningEmitted = true;
    } catch {
      // A future SDK without this switch: the warning is cosmetic.
    }
  })();
  return warningSilenced;
}
