import type { Aws } from '../aws/clients.js';
import { isNotFound } from '../aws/errors.js';
import { invokeFunction } from '../aws/lambda-invoke.js';
import { LIVE_ALIAS } from '../config/naming.js';
import type { FunctionSpec } from '../config/types.js';
import { UserError } from '../errors.js';

/** The alias `ops invoke` and `ops smoke` target by default: what `ops deploy` moves. */
export const DEFAULT_QUALIFIER = LIVE_ALIAS;

export interface RemoteInvokeOptions {
  /** JSON text, sent as is. */
  payload: string;
  qualifier?: string;
  async?: boolean;
}

/** The outcome of a remote invoke, in the shape `--json` prints (plus the raw text and timings). */
export interface RemoteInvokeResult {
  status: number;
  /** `Unhandled` when the function failed. */
  functionError: string | null;
  executedVersion: string | null;
  /** Parsed when the response is JSON, else the text; `null` for an empty response. */
  payload: unknown;
  /** The response exactly as Lambda sent it. */
  payloadText: string;
  /** The decoded log tail (the last 4 KB), when Lambda sent one. */
  logs: string | null;
  requestId: string | null;
  /** Lambda's billed handler time from the tail's REPORT line, else the call's wall time. */
  durationMs: number;
  /** The error document of a failed invoke. */
  error?: { errorType: string; errorMessage: string; stackTrace?: string[] };
}

/** `Duration: 12.34 ms` from the REPORT line of a log tail. */
export function reportDuration(logs: string | undefined): number | undefined {
  const m = logs ? /REPORT RequestId:.*?\tDuration: ([\d.]+) ms/.exec(logs) : null;
  return m ? Number(m[1]) : undefined;
}

function parseMaybeJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The error document of a failed invoke, as much of it as the payload holds. */
export function errorDocument(payload: unknown, functionError: string): NonNullable<RemoteInvokeResult['error']> {
  const doc = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  return {
    errorType: typeof doc.errorType === 'string' ? doc.errorType : functionError,
    errorMessage: typeof doc.errorMessage === 'string' ? doc.errorMessage : typeof payload === 'string' ? payload : '',
    ...(Array.isArray(doc.stackTrace) ? { stackTrace: doc.stackTrace.map(String) } : {}),
  };
}

/** Invokes a deployed function (its `live` alias unless told otherwise) with the payload as given. */
export async function invokeRemote(aws: Aws, fn: FunctionSpec, opts: RemoteInvokeOptions): Promise<RemoteInvokeResult> {
  const qualifier = opts.qualifier ?? DEFAULT_QUALIFIER;
  let out: Awaited<ReturnType<typeof invokeFunction>>;
  try {
    out = await invokeFunction(aws, { name: fn.name, qualifier, payload: opts.payload, async: opts.async, tail: true });
  } catch (error) {
    if (isNotFound(error)) {
      throw new UserError(`${fn.name}:${qualifier} was not found in ${aws.region}`, {
        hint:
          qualifier === DEFAULT_QUALIFIER ? `deploy it first: ops deploy ${fn.key}` : 'check --qualifier (a version number or an alias)',
        cause: error,
      });
    }
    throw error;
  }
  const payloadText = Buffer.from(out.payload).toString('utf8');
  const payload = parseMaybeJson(payloadText);
  return {
    status: out.statusCode,
    functionError: out.functionError ?? null,
    executedVersion: out.executedVersion ?? null,
    payload,
    payloadText,
    logs: out.logTail ?? null,
    requestId: out.requestId ?? null,
    durationMs: Math.round((reportDuration(out.logTail) ?? out.wallMs) * 100) / 100,
    ...(out.functionError ? { error: errorDocument(payload, out.functionError) } : {}),
  };
}
