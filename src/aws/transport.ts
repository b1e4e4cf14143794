import type { HttpHandlerOptions, HttpRequest, HttpResponse, RetryStrategyV2 } from '@smithy/types';
import { UsageError } from '../errors.js';

/** How long ops waits on AWS. */
export interface Timeouts {
  /** Setting up a connection, per attempt. */
  connectMs: number;
  /** A call's budget for an answer, all its attempts together (`--timeout`, `OPS_AWS_TIMEOUT`). */
  requestMs: number;
  /** The budget of calls that are long by nature: code uploads, S3 puts, synchronous invokes. */
  longMs: number;
  /** A read's attempt is a third of the budget, but never shorter than this (or the budget). */
  minAttemptMs: number;
}

/** A dead endpoint shows within half a minute; a synchronous invoke may run Lambda's 15 minutes. */
export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 5_000, requestMs: 30_000, longMs: 16 * 60_000, minAttemptMs: 10_000 };

/** `--timeout <seconds>` wins over `OPS_AWS_TIMEOUT`; either sets the request budget (and caps the connect timeout). */
export function timeoutsFrom(env: NodeJS.ProcessEnv, flagSeconds?: string | number): Timeouts {
  const raw = flagSeconds ?? env.OPS_AWS_TIMEOUT;
  if (raw === undefined || raw === '') return DEFAULT_TIMEOUTS;
  const seconds = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    const source = flagSeconds === undefined ? 'OPS_AWS_TIMEOUT' : '--timeout';
    throw new UsageError(`invalid ${source} '${raw}'`, { hint: 'give the seconds to wait for an AWS answer, e.g. --timeout 60' });
  }
  const requestMs = Math.round(seconds * 1000);
  return { ...DEFAULT_TIMEOUTS, requestMs, connectMs: Math.min(DEFAULT_TIMEOUTS.connectMs, requestMs) };
}

/**
 * How a call may be timed and retried. `read` and `idempotent` (Put/Update/Delete/Tag...) calls get a
 * third of the budget per attempt, so a stalled attempt is retried; any other write gets one attempt
 * that may wait the whole budget (its answer may be lost after AWS applied it). `long` calls may be
 * silent up to `longMs` (an invoke answers only when the function returns); an `upload` may last up to
 * `longMs` but never be idle longer than the request budget; a `stream` answers within
 * the budget, then its body may stay quiet for as long as it likes.
 */
export type CallKind = 'read' | 'idempotent' | 'write' | 'upload' | 'long' | 'stream';

const LONG = new Set(['lambda.Invoke', 'lambda.InvokeAsync', 's3.CompleteMultipartUpload', 's3.GetObject']);
/**
 * Calls that carry a zip: they may take minutes to send, but a connection that goes quiet for the
 * request budget (nothing sent, nothing answered) is dead. Without that idle limit a CreateFunction
 * accepted and never answered held a deploy for 16 minutes without a word (fault matrix, silent-write).
 */
const UPLOAD = new Set([
  'lambda.CreateFunction',
  'lambda.UpdateFunctionCode',
  'lambda.PublishLayerVersion',
  's3.PutObject',
  's3.UploadPart',
]);
const STREAM = new Set(['logs.StartLiveTail', 'lambda.InvokeWithResponseStream']);
const READ = /^(Get|List|Describe|Head|Filter)/;
const IDEMPOTENT = /^(Put|Update|Delete|Tag|Untag|Attach|Detach|Set|Remove)/;

export function callKind(service: string, operation: string): CallKind {
  const id = `${service}.${operation}`;
  if (STREAM.has(id)) return 'stream';
  if (LONG.has(id)) return 'long';
  if (UPLOAD.has(id)) return 'upload';
  if (READ.test(operation)) return 'read';
  return IDEMPOTENT.test(operation) ? 'idempotent' : 'write';
}

/** The call's whole budget, from its first attempt. */
export const budgetMs = (kind: CallKind, t: Timeouts) => (kind === 'long' || kind === 'upload' ? t.longMs : t.requestMs);

/** What a silence is measured against in the error: an upload's idle limit, else the call's budget. */
export const silenceMs = (kind: CallKind, t: Timeouts) => (kind === 'upload' ? t.requestMs : budgetMs(kind, t));

/** How long one attempt may wait for the answer's headers, given what is left of the call's budget. */
export function attemptMs(kind: CallKind, remainingMs: number, t: Timeouts): number {
  if (kind !== 'read' && kind !== 'idempotent') return remainingMs;
  // Three tries within the budget, but none shorter than minAttemptMs (or the budget when it is shorter).
  return Math.min(remainingMs, Math.max(t.requestMs / 3, Math.min(t.requestMs, t.minAttemptMs)));
}

/** Reads and idempotent writes may be sent again after a silence; another write may have been applied. */
export const retriedAfterSilence = (kind: CallKind) => kind === 'read' || kind === 'idempotent' || kind === 'stream';

interface HttpHandlerLike {
  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }>;
  destroy?(): void;
  updateHttpClientConfig?(key: unknown, value: unknown): void;
  httpHandlerConfigs?(): object;
}

/** Per attempt, set by the client middleware: the attempt's timeout and whether silence may cut it. */
const attempts = new WeakMap<object, { timeoutMs: number; quietAllowed: boolean }>();

export function timeAttempt(request: object, timeoutMs: number, quietAllowed: boolean): void {
  attempts.set(request, { timeoutMs: Math.max(1, Math.round(timeoutMs)), quietAllowed });
}

/**
 * The SDK request handler of one client: Node's http(s) with a connect timeout, a per-attempt timeout
 * on the answer (set by the client middleware through `timeAttempt`), and a socket idle timeout for
 * the calls that must answer steadily. Calls that may be silent for long (invokes, uploads, Live Tail)
 * go through a second handler without the idle timeout.
 */
export async function createRequestHandler(t: Timeouts): Promise<HttpHandlerLike> {
  const mod: typeof import('@smithy/node-http-handler') = await import('@smithy/node-http-handler');
  // CommonJS: an esbuild ESM bundle gives only `default` (see cjs() in clients.ts).
  const { NodeHttpHandler } = (mod as unknown as { default?: typeof mod }).default ?? mod;
  const common = { connectionTimeout: t.connectMs, throwOnRequestTimeout: true };
  const steady = new NodeHttpHandler({ ...common, requestTimeout: t.requestMs, socketTimeout: t.requestMs });
  // socketTimeout 0 (not undefined): no idle timeout, not even the SDK's service default.
  const patient = new NodeHttpHandler({ ...common, requestTimeout: t.longMs, socketTimeout: 0 });
  return {
    handle(request, options = {}) {
      const attempt = attempts.get(request);
      const handler = attempt?.quietAllowed ? patient : steady;
      const req = request as Parameters<typeof steady.handle>[0];
      return handler.handle(req, attempt ? { ...options, requestTimeout: attempt.timeoutMs } : options);
    },
    destroy() {
      steady.destroy();
      patient.destroy();
    },
    updateHttpClientConfig(key, value) {
      // Our timeouts stand; the SDK's own default socket timeout would undo the patient handler's 0.
      if (key === Symbol.for('@smithy/defaultSocketTimeout')) return;
      steady.updateHttpClientConfig(key as never, value as never);
      patient.updateHttpClientConfig(key as never, value as never);
    },
    httpHandlerConfigs: () => steady.httpHandlerConfigs(),
  };
}

/**
 * The SDK's standard retries (attempts, retry quota, Retry-After) with a shorter backoff: full jitter
 * from 100 ms doubling to at most 2 s, for throttling too (the SDK starts throttling at 500 ms and
 * doubles to 20 s). Pacing is the write limiter's job; a random throttle is not helped by waiting,
 * and one unlucky read left waiting 7 s held up a whole deploy (bench/deploy.mjs, throttled case).
 */
export async function createRetryStrategy(maxAttempts: number): Promise<RetryStrategyV2> {
  const mod: typeof import('@smithy/core/retry') = await import('@smithy/core/retry');
  const { StandardRetryStrategy } = (mod as unknown as { default?: typeof mod }).default ?? mod;
  const backoff = {
    setDelayBase: () => undefined,
    computeNextBackoffDelay: (retries: number) => Math.round(Math.min(2_000, 100 * 2 ** retries) * (0.5 + Math.random() / 2)),
  };
  return new StandardRetryStrategy({ maxAttempts, backoff });
}

/**
 * True for a timeout of the request handler (connect, answer, or idle socket). Not for a reset: the
 * SDK's handler names ECONNRESET and EPIPE `TimeoutError` too, but those are an answer of sorts.
 */
export function isTimeout(error: unknown): boolean {
  const e = error as { name?: string; code?: string } | undefined;
  return (e?.name === 'TimeoutError' || e?.code === 'ETIMEDOUT') && e?.code !== 'ECONNRESET' && e?.code !== 'EPIPE';
}

/** A timeout before the connection was made: nothing was sent, so another attempt is always safe. */
export function isConnectTimeout(error: unknown): boolean {
  return isTimeout(error) && /establish a connection/.test((error as Error).message ?? '');
}

// ---------------------------------------------------------------- is it an AWS answer?

/** The wire protocol of each service, as the SDK versions in package.json speak it. */
export type Protocol = 'query' | 'json' | 'rest-json' | 'rest-xml';

/** Content types AWS sends for each protocol. */
const CONTENT_TYPES: Record<Protocol, RegExp> = {
  query: /^(text|application)\/xml$/,
  json: /^application\/(x-amz-json-1\.[01]|json)$/,
  'rest-json': /^application\/json$/,
  'rest-xml': /^(application|text)\/xml$/,
};

/** Operations whose answer is a payload of the caller's choosing (any type), or an event stream. */
const FREE_PAYLOAD = new Set(['lambda.Invoke', 'lambda.InvokeWithResponseStream', 'logs.StartLiveTail', 's3.GetObject']);

/**
 * Why `response` is not an answer AWS would give to this call (`text/html`, `an empty body`), or
 * undefined when it may be. An answer in the protocol's content type passes untouched (real AWS);
 * any other is read and judged by its body, because moto labels good JSON and XML `text/html` or
 * `text` while a proxy's or a captive portal's page is HTML whatever it says. A successful query-protocol
 * answer or read always has a body. Payload operations (Invoke, S3 GetObject, Live
 * Tail) and HEAD requests pass. A body that was read is put back for the SDK as bytes.
 */
export async function notAwsAnswer(
  protocol: Protocol,
  service: string,
  operation: string,
  method: string,
  response: HttpResponse,
): Promise<string | undefined> {
  if (method === 'HEAD' || FREE_PAYLOAD.has(`${service}.${operation}`)) return undefined;
  const headers = lowerCased(response.headers);
  const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  // A query answer is never empty (`<XResponse>` at least); JSON ones are for operations without
  // output (Logs CreateLogGroup answers an empty 200), never for a read.
  const ok = response.statusCode >= 200 && response.statusCode < 300;
  const bodyNeeded = ok && (protocol === 'query' || (protocol !== 'rest-xml' && READ.test(operation)));
  const length = headers['content-length'];
  if (length !== undefined && Number(length) === 0) return bodyNeeded ? 'an empty body' : undefined;
  if (type && CONTENT_TYPES[protocol].test(type)) return undefined;
  const body = await readBody(response.body);
  response.body = body;
  const text = body.toString('utf8');
  if (text.trim() === '') return bodyNeeded ? 'an empty body' : undefined;
  const parses = protocol === 'json' || protocol === 'rest-json' ? isJson(text, body) : isXmlNotHtml(text);
  return parses ? undefined : type || 'a body without a content type';
}

/**
 * JSON bodies this check parsed, by the bytes put back in the response: a deserializer of the same bytes
 * takes the value instead of parsing them again (src/aws/plain-json.ts; a 10,000-event FilterLogEvents page
 * from moto, which labels it text/html, is 2.5 MB).
 */
const parsedBodies = new WeakMap<object, unknown>();

/** What `notAwsAnswer` parsed `body` (a response's body after the check) to, if it did. */
export function parsedJsonBody(body: unknown): unknown {
  return typeof body === 'object' && body !== null ? parsedBodies.get(body) : undefined;
}

function isJson(text: string, body: Buffer): boolean {
  try {
    parsedBodies.set(body, JSON.parse(text));
    return true;
  } catch {
    return false;
  }
}

function isXmlNotHtml(text: string): boolean {
  const head = text.slice(0, 2048);
  return /^\s*</.test(head) && !/<!doctype html|<html[\s>]/i.test(head);
}

/** The body as bytes: a stream from the wire, or bytes a middleware already read (src/aws/plain-json.ts reads it too). */
export async function readBody(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'string') return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/** `http://127.0.0.1:4566` or `https://lambda.us-east-1.amazonaws.com`: where the request went. */
export function originOf(request: HttpRequest): string {
  const port = request.port ? `:${request.port}` : '';
  return `${request.protocol ?? 'https:'}//${request.hostname}${port}`;
}
