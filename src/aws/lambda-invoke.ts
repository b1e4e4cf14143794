import type { InvokeCommandInput } from '@aws-sdk/client-lambda';
import type { Aws } from './clients.js';

/** One Lambda Invoke call. */
export interface InvokeFunctionInput {
  /** Function name or ARN. */
  name: string;
  /** Alias or version (`live`, `7`); the unqualified function (`$LATEST`) when omitted. */
  qualifier?: string;
  /** The payload: sent byte for byte (a string is sent as its UTF-8 bytes, never base64-decoded). */
  payload: string | Uint8Array;
  /** `Event`: queue the invoke and return at once (202). */
  async?: boolean;
  /** Ask for the last 4 KB of the invocation's log (synchronous invokes only). */
  tail?: boolean;
}

/** What Lambda answered, as it answered it. */
export interface InvokeFunctionOutput {
  /** 200 for a synchronous invoke, 202 for a queued one, even when the function failed. */
  statusCode: number;
  /** `Unhandled` (or `Handled`) when the function failed; the payload then holds the error document. */
  functionError?: string;
  /** The version that ran (`7` behind alias `live`). */
  executedVersion?: string;
  payload: Uint8Array;
  /** The decoded log tail (`LogType: Tail`). */
  logTail?: string;
  requestId?: string;
  /** Wall time of the call as this process saw it. */
  wallMs: number;
}

/**
 * Invokes a function. A function error is not an exception: it comes back in `functionError` with
 * the error document as payload. Throws for what Lambda refused (not found, throttled past the
 * SDK's retries, payload too large).
 */
export async function invokeFunction(aws: Aws, input: InvokeFunctionInput): Promise<InvokeFunctionOutput> {
  const lambda = await aws.lambda();
  const payload = typeof input.payload === 'string' ? new TextEncoder().encode(input.payload) : input.payload;
  const request: InvokeCommandInput = {
    FunctionName: input.name,
    Payload: payload,
    InvocationType: input.async ? 'Event' : 'RequestResponse',
    ...(input.qualifier ? { Qualifier: input.qualifier } : {}),
    ...(input.tail && !input.async ? { LogType: 'Tail' } : {}),
  };
  const started = performance.now();
  const out = await lambda.invoke(request);
  const wallMs = performance.now() - started;
  return {
    statusCode: out.StatusCode ?? out.$metadata.httpStatusCode ?? 0,
    functionError: out.FunctionError || undefined,
    executedVersion: out.ExecutedVersion || undefined,
    payload: out.Payload ?? new Uint8Array(),
    logTail: out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : undefined,
    requestId: out.$metadata.requestId,
    wallMs,
  };
}
