import type { Aws } from './clients.js';

/**
 * Creates that AWS does not make idempotent by name: when the answer to one is lost after AWS
 * applied it, a blind retry makes a second API, integration, route or permission statement. The
 * SDK attempts these once when the answer may have been lost (a reset, a timeout, a 5xx); the
 * writer then reads whether the call happened before trying again (`createOnce`).
 */
export const NOT_IDEMPOTENT = new Set([
  'CreateApiCommand',
  'CreateIntegrationCommand',
  'CreateRouteCommand',
  'AddPermissionCommand',
  'CreateRestApiCommand',
  'CreateAuthorizerCommand',
  'CreateApiKeyCommand',
  'CreateUsagePlanCommand',
]);

/** Connection failures after which the request may have reached AWS. ECONNREFUSED and DNS failures never sent it. */
const MAYBE_SENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);
const MAYBE_SENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** True when the call may have been applied although no answer says so. */
export function mayHaveBeenApplied(error: unknown): boolean {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  if (status !== undefined) return false;
  return MAYBE_SENT_CODES.has(e.code ?? '') || MAYBE_SENT_NAMES.has(e.name ?? '') || /socket hang up/i.test(e.message ?? '');
}

/**
 * The answer to a non-idempotent create was lost. Deliberately without `code`, `cause`, `$retryable`
 * or a 5xx status: the SDK's retry strategy classifies errors by those, and must not retry this one.
 */
export class LostResponseError extends Error {
  override readonly name = 'LostResponseError';
  readonly $metadata = {};
  constructor(
    readonly operation: string,
    original: unknown,
  ) {
    const e = (original ?? {}) as ErrorShape;
    const why = e.$metadata?.httpStatusCode ? `HTTP ${e.$metadata.httpStatusCode}` : (e.code ?? e.name ?? 'no answer');
    super(`no answer to ${operation} (${why}): it may have been applied`);
    Object.defineProperty(this, 'original', { value: original, enumerable: false });
  }
}

export const isLostResponse = (error: unknown): error is LostResponseError => (error as { name?: string })?.name === 'LostResponseError';

interface MiddlewareStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

/**
 * Per attempt, inside the SDK's retry loop: an ambiguous failure of a NOT_IDEMPOTENT operation
 * becomes a LostResponseError, which the SDK does not retry. Throttling and 4xx pass through (AWS
 * applied nothing), as does everything for other operations.
 */
export function guardLostResponses(client: { middlewareStack: MiddlewareStack }, label: string): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (error) {
        const command = context.commandName ?? '';
        if (NOT_IDEMPOTENT.has(command) && mayHaveBeenApplied(error)) {
          throw new LostResponseError(`${label}.${command.replace(/Command$/, '')}`, error);
        }
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'opsLostResponseGuard' },
  );
}

/** Waits before the next try of a create whose answer was lost and that did not happen. */
const LOST_RESPONSE_DELAYS_MS = [200, 1_000];

/**
 * Runs a create the SDK attempts once. When its answer was lost, `find` reads whether it happened
 * (and returns what it made); only if it did not is the create tried again, up to three times.
 */
export async function createOnce<T>(aws: Aws, create: () => Promise<T>, find: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await create();
    } catch (error) {
      if (!isLostResponse(error)) throw error;
      const found = await find();
      if (found !== undefined) return found;
      const delay = LOST_RESPONSE_DELAYS_MS[attempt];
      if (delay === undefined) throw error;
      await aws.retry.sleep(aws.retry.jitter(delay));
    }
  }
}
