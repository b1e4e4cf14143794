import type { Runtime } from '../../config/schema.js';

/** One invoke of a local worker. */
export interface LocalInvokeRequest {
  /** The event, as the handler receives it (must be JSON-serialisable, like a real invoke). */
  event: unknown;
  /** Defaults to a random UUID, like Lambda's `awsRequestId`. */
  requestId?: string;
}

/** The error document Lambda returns for a failed invoke. */
export interface LocalInvokeError {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
}

export interface LocalInvokeResult {
  requestId: string;
  ok: boolean;
  /** The handler's result, parsed from the JSON the runtime produced (`null` for `undefined`/`None`). */
  result?: unknown;
  error?: LocalInvokeError;
  timedOut: boolean;
  /** Handler time as the runtime measured it (wall time for timeouts and crashes). */
  durationMs: number;
  /** Set on the first invoke a process serves (a cold start): spawn until the handler module was loaded. */
  initDurationMs?: number;
  /** Peak resident memory of the worker process so far, like Lambda's "Max Memory Used". */
  maxRssMB?: number;
  /** What the process wrote to stdout/stderr since the previous invoke ended (init logs come with the first). */
  logs: string;
  /** Things about the local run that differ from Lambda (interpreter fallback, memory over the limit). */
  warnings?: string[];
}

export interface LocalWorkerOptions {
  /** The extracted zip. Keep it inside the project (see `prepareCodeDir`) so `@aws-sdk/*` resolves. */
  codeDir: string;
  /** The function's layers extracted in order (see `prepareLayersDir`): the local /opt. */
  optDir?: string;
  runtime: Runtime;
  /** Lambda's `Handler` field: `index.handler`, `lambda_function.lambda_handler`, `pkg.mod.fn`. */
  handler: string;
  /** Physical function name, for the context, the ARN and the log group. */
  functionName: string;
  memoryMB: number;
  timeoutSec: number;
  /** Function environment plus whatever AWS credentials, region and endpoint the caller passes on. */
  env: Record<string, string>;
  /** Defaults to `env.AWS_REGION`, then this process's `AWS_REGION`, then `us-east-1`. */
  region?: string;
  /** For `invokedFunctionArn`; defaults to `000000000000`. */
  accountId?: string;
  /** Function output as it arrives (stdout and stderr, interleaved as received). */
  onLog?: (chunk: string) => void;
  /** Local-run caveats, each reported once per worker. */
  onWarning?: (message: string) => void;
}

// Protocol on fd 3 between the parent and the runtime shims: one JSON document per line, each way.

/** Parent → runtime. */
export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  event: unknown;
  /** Epoch milliseconds; the shim derives `getRemainingTimeInMillis()` from it. */
  deadlineMs: number;
  invokedFunctionArn: string;
}

/** Runtime → parent. */
export type RuntimeMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: LocalInvokeError }
  | {
      type: 'result';
      requestId: string;
      ok: boolean;
      /** The JSON text of the result, as the runtime would send it to Lambda's Runtime API. */
      payload?: string;
      error?: LocalInvokeError;
      durationMs: number;
      maxRssMB: number;
      /** The runtime exits after this answer (an uncaught exception): the sandbox must be replaced. */
      fatal?: boolean;
    };
