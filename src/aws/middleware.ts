import type { HttpRequest, HttpResponse } from '@smithy/types';
import { type ErrorContext, isThrottling, noAnswer, notAnAwsAnswer, toUserError } from './errors.js';
import type { WriteLimiter } from './limiter.js';
import {
  attemptMs,
  budgetMs,
  callKind,
  isConnectTimeout,
  isTimeout,
  notAwsAnswer,
  originOf,
  type Protocol,
  retriedAfterSilence,
  silenceMs,
  type Timeouts,
  timeAttempt,
} from './transport.js';

/**
 * What every SDK client of a command gets on top of the SDK (clients.ts builds the clients): error
 * translation, the write limiters, --debug lines, and the answer budget and check next to the wire.
 */

/** The services a command's clients cover: `Aws` has one getter per name. */
export type ServiceName =
  | 'lambda'
  | 'iam'
  | 'ssm'
  | 'logs'
  | 'cloudwatch'
  | 'apigw'
  | 'apigwrest'
  | 'events'
  | 'sns'
  | 's3'
  | 'ec2'
  | 'sqs'
  | 'sts'
  | 'dynamodb'
  | 'secretsmanager'
  | 'route53'
  | 'acm'
  | 'tagging';

/** The part of an SDK client the middlewares and the factory use. */
export interface SdkClient {
  middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
  destroy(): void;
}

/** How errors and --debug lines name each service's operations (`apigateway.CreateApi`). */
export const SERVICE_LABEL: Record<ServiceName, string> = {
  lambda: 'lambda',
  iam: 'iam',
  ssm: 'ssm',
  logs: 'logs',
  cloudwatch: 'cloudwatch',
  apigw: 'apigateway',
  apigwrest: 'apigateway',
  events: 'events',
  sns: 'sns',
  s3: 's3',
  ec2: 'ec2',
  sqs: 'sqs',
  sts: 'sts',
  dynamodb: 'dynamodb',
  secretsmanager: 'secretsmanager',
  route53: 'route53',
  acm: 'acm',
  tagging: 'tagging',
};

interface OpsContext {
  commandName?: string;
  opsAttempt?: number;
  /** When the call's answer budget runs out, from the moment its first attempt was sent. */
  opsDeadline?: number;
  /** Tells `hooks.sends` that the call's first attempt reached the HTTP handler, or that the call ended before. */
  opsHanded?: () => void;
}

/** Counts the calls that have started and not yet reached the HTTP handler (see `Aws.sending`). */
export interface SendCounter {
  started(): void;
  handed(): void;
}

/** The wire protocol of each client (the answer check knows what each one sends). */
const PROTOCOL: Record<ServiceName, Protocol> = {
  lambda: 'rest-json',
  iam: 'query',
  ssm: 'json',
  logs: 'json',
  cloudwatch: 'json',
  apigw: 'rest-json',
  apigwrest: 'rest-json',
  events: 'json',
  sns: 'query',
  s3: 'rest-xml',
  ec2: 'query',
  sqs: 'json',
  sts: 'query',
  dynamodb: 'json',
  secretsmanager: 'json',
  route53: 'rest-xml',
  acm: 'json',
  tagging: 'json',
};

/** Writes that count against a control plane's quota: not reads, not the data plane (Invoke, logs, metrics). */
const NOT_CONTROL_PLANE = /^(Get|List|Describe|Head|Filter|Invoke|StartLiveTail|PutLogEvents|PutMetricData|TestInvoke)/;
function isControlPlaneWrite(commandName?: string): boolean {
  return commandName !== undefined && !NOT_CONTROL_PLANE.test(commandName);
}

/**
 * Three middlewares per client. Per call (initialize step): tag failures with the operation and turn
 * credential, permission and endpoint failures into UserErrors. Per attempt (deserialize step, inside
 * the SDK's retry loop): tell the limiter about throttling, and with --debug log the operation, HTTP
 * status and duration; then, next to the wire, time the attempt and reject an answer that is not
 * AWS's. None ever looks at input or output members, so no value can leak.
 */
export function instrument(
  client: SdkClient,
  service: ServiceName,
  hooks: {
    limiterFor: (service: ServiceName, operation?: string) => WriteLimiter;
    debug?: (msg: string) => void;
    errorContext: ErrorContext;
    timeouts: Timeouts;
    silentOrigins: Set<string>;
    /** Told the `Date` header of each answer and when it arrived (local clock): see `ServerClock`. */
    clock?: ServerClock;
    sends?: SendCounter;
  },
): void {
  const label = SERVICE_LABEL[service];
  const operationOf = (context: OpsContext) => `${label}.${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`;

  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: OpsContext) => async (args: unknown) => {
      const { sends } = hooks;
      if (sends) {
        sends.started();
        let handed = false;
        context.opsHanded = () => {
          if (!handed) sends.handed();
          handed = true;
        };
      }
      try {
        return await next(args);
      } catch (error) {
        if (typeof error === 'object' && error !== null) {
          Object.defineProperty(error, '$opsOperation', { value: operationOf(context), enumerable: false, configurable: true });
        }
        throw toUserError(error, { ...hooks.errorContext, operation: operationOf(context) });
      } finally {
        context.opsHanded?.();
      }
    },
    { step: 'initialize', name: 'opsCallMiddleware', priority: 'high' },
  );

  client.middlewareStack.add(
    (next: (args: unknown) => Promise<{ response?: { statusCode?: number } }>, context: OpsContext) => async (args: unknown) => {
      const attempt = (context.opsAttempt = (context.opsAttempt ?? 0) + 1);
      const started = performance.now();
      const line = (status: string) => {
        const ms = Math.round(performance.now() - started);
        hooks.debug?.(`aws ${operationOf(context)} ${status} ${ms}ms${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      };
      // The limiter paces writes and learns from their answers only: reads have quotas of their own.
      const write = isControlPlaneWrite(context.commandName);
      const limiter = hooks.limiterFor(service, context.commandName?.replace(/Command$/, ''));
      try {
        const send = () => next(args);
        const result = write ? await limiter.run(send) : await send();
        if (write) limiter.onSuccess();
        if (hooks.debug) line(String(result.response?.statusCode ?? '?'));
        return result;
      } catch (error) {
        if (write && isThrottling(error)) limiter.onThrottle();
        else if (write && (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode) limiter.onSuccess();
        if (hooks.debug) {
          const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
          const status = e.$metadata?.httpStatusCode;
          line(status ? `${status} ${e.name ?? 'error'}` : `network error ${e.code ?? e.name ?? ''}`.trim());
        }
        throw error;
      }
    },
    { step: 'deserialize', name: 'opsAttemptMiddleware', priority: 'high' },
  );

  // Low priority: inside the SDK's deserializer, so it sees the raw answer before it is parsed, and
  // inside the limiter, so the wait for a write slot is not counted against the answer budget.
  client.middlewareStack.add(
    (next: (args: { request: HttpRequest }) => Promise<{ response: HttpResponse }>, context: OpsContext) =>
      async (args: { request: HttpRequest }) => {
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        const kind = callKind(label, operation);
        const now = Date.now();
        context.opsDeadline ??= now + budgetMs(kind, hooks.timeouts);
        const target = originOf(args.request);
        const seconds = Math.round(silenceMs(kind, hooks.timeouts) / 1000);
        const silent = () => noAnswer(target, operationOf(context), seconds, hooks.errorContext);
        const remaining = context.opsDeadline - now;
        // Not a retryable error: the SDK stops here, and the budget is all the user waits.
        if (remaining <= 0 || hooks.silentOrigins.has(target)) {
          hooks.silentOrigins.add(target);
          throw silent();
        }
        timeAttempt(args.request, attemptMs(kind, remaining, hooks.timeouts), kind === 'long' || kind === 'stream');
        context.opsHanded?.();
        let result: { response: HttpResponse };
        try {
          result = await next(args);
        } catch (error) {
          // The SDK's own TimeoutError goes on as it is: the SDK retries it, and a guard for creates
          // that are not idempotent (once.ts) must see it as "may have been applied".
          if (isTimeout(error) && typeof error === 'object') {
            Object.defineProperty(error, '$opsTarget', { value: target, enumerable: false, configurable: true });
            Object.defineProperty(error, '$opsBudgetSeconds', { value: seconds, enumerable: false, configurable: true });
            // A write that was sent and met silence is never sent again by us: the budget is spent.
            if (!retriedAfterSilence(kind) && !isConnectTimeout(error)) context.opsDeadline = 0;
          }
          throw error;
        }
        hooks.silentOrigins.delete(target);
        const arrived = Date.now();
        const why = await notAwsAnswer(PROTOCOL[service], label, operation, args.request.method, result.response);
        if (why) {
          (result.response.body as { destroy?: () => void } | undefined)?.destroy?.();
          const error = notAnAwsAnswer(target, operationOf(context), why, result.response.statusCode, hooks.errorContext);
          // Code that branches on the status (metrics' fallback on an emulator's 500) still can.
          throw Object.assign(error, { $metadata: { httpStatusCode: result.response.statusCode } });
        }
        hooks.clock?.note(result.response.headers?.date, arrived);
        return result;
      },
    { step: 'deserialize', name: 'opsAnswerMiddleware', priority: 'low' },
  );
}

/**
 * What the answers' `Date` headers tell about AWS's clock. An answer dated D (whole seconds, truncated)
 * was made before it arrived at local time r, so AWS's clock runs at least D - r ahead of ours; the
 * largest such figure over the answers so far is a lower bound, without trusting the local clock.
 */
export class ServerClock {
  #aheadAtLeastMs: number | undefined;

  note(dateHeader: string | undefined, receivedAt: number): void {
    const d = dateHeader ? Date.parse(dateHeader) : Number.NaN;
    if (Number.isNaN(d)) return;
    const ahead = d - receivedAt;
    if (this.#aheadAtLeastMs === undefined || ahead > this.#aheadAtLeastMs) this.#aheadAtLeastMs = ahead;
  }

  /** AWS's time at local time `local` is at least this; `undefined` before any dated answer. */
  atLeast(local: number): number | undefined {
    return this.#aheadAtLeastMs === undefined ? undefined : local + this.#aheadAtLeastMs;
  }
}
