import path from 'node:path';
import type { Runtime } from '../../config/schema.js';
import type { LocalWorkerOptions } from './types.js';

/** Lambda rejects a response larger than this (synchronous invoke). */
export const MAX_RESPONSE_BYTES = 6_291_556;

/** Lambda's init phase limit for on-demand functions. */
export const INIT_TIMEOUT_MS = 10_000;

// Variables of this process a local function still needs: finding programs, certificates, proxies.
const PASS_THROUGH = [
  'PATH',
  'HOME',
  'TMPDIR',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

export interface SandboxInfo {
  codeDir: string;
  /** The local /opt: the function's layers, extracted in order. */
  optDir?: string;
  region: string;
  logStreamName: string;
}

export function isNodeRuntime(runtime: Runtime): boolean {
  return runtime.startsWith('nodejs');
}

export function resolveRegion(opts: Pick<LocalWorkerOptions, 'region' | 'env'>, host: NodeJS.ProcessEnv): string {
  return opts.region ?? opts.env.AWS_REGION ?? host.AWS_REGION ?? host.AWS_DEFAULT_REGION ?? 'us-east-1';
}

export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** `2026/01/31/[$LATEST]<32 hex>`: one per sandbox (process), as in Lambda. */
export function logStreamName(now: Date, hex32: string): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${hex32}`;
}

export function functionArn(region: string, accountId: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${functionName}`;
}

/**
 * The environment of a local sandbox: a few host variables, then the caller's (function config,
 * credentials, endpoint), then what Lambda itself sets, which wins as it does in Lambda.
 */
export function lambdaEnvironment(
  opts: Pick<LocalWorkerOptions, 'runtime' | 'handler' | 'functionName' | 'memoryMB' | 'env'>,
  sandbox: SandboxInfo,
  host: NodeJS.ProcessEnv,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASS_THROUGH) {
    const value = host[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, opts.env, {
    AWS_LAMBDA_FUNCTION_NAME: opts.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(opts.memoryMB),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(opts.functionName),
    AWS_LAMBDA_LOG_STREAM_NAME: sandbox.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${opts.runtime}`,
    AWS_REGION: sandbox.region,
    AWS_DEFAULT_REGION: sandbox.region,
    LAMBDA_TASK_ROOT: sandbox.codeDir,
    _HANDLER: opts.handler,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
  });
  if (isNodeRuntime(opts.runtime)) {
    // CommonJS reads it; ESM does not, so the runtime shim falls back to these directories for bare imports.
    env.NODE_PATH = withOwn(opts.env.NODE_PATH, nodePath(opts.runtime, sandbox));
  } else if (sandbox.optDir) {
    env.PYTHONPATH = withOwn(opts.env.PYTHONPATH, pythonPath(opts.runtime, sandbox.optDir));
  }
  return env;
}

/** A search path the function's own configuration sets comes first; Lambda's entries stay after it. */
function withOwn(own: string | undefined, lambdas: string[]): string {
  return [...(own ? [own] : []), ...lambdas].join(path.delimiter);
}

/** Lambda's NODE_PATH with /opt at `optDir`: the layer directories, then the task root. */
export function nodePath(runtime: Runtime, sandbox: Pick<SandboxInfo, 'codeDir' | 'optDir'>): string[] {
  if (!sandbox.optDir) return [sandbox.codeDir];
  const major = runtime.slice('nodejs'.length).split('.')[0];
  return [
    path.join(sandbox.optDir, 'nodejs', `node${major}`, 'node_modules'),
    path.join(sandbox.optDir, 'nodejs', 'node_modules'),
    sandbox.codeDir,
  ];
}

/** Lambda's layer entries on the Python path, after the task root: `/opt/python/lib/python3.x/site-packages`, `/opt/python`. */
export function pythonPath(runtime: Runtime, optDir: string): string[] {
  return [path.join(optDir, 'python', 'lib', runtime, 'site-packages'), path.join(optDir, 'python')];
}

/** V8 heap flags sized from the function memory, the way Lambda's Node bootstrap derives them. */
export function nodeMemoryFlags(memoryMB: number): string[] {
  const newSpace = Math.floor(memoryMB / 10);
  return [`--max-semi-space-size=${Math.max(1, Math.floor(newSpace / 2))}`, `--max-old-space-size=${memoryMB - newSpace}`];
}

export function timeoutMessage(timeoutSec: number): string {
  return `Task timed out after ${timeoutSec.toFixed(2)} seconds`;
}

const SIGNAL_WORDS: Record<string, string> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGBUS: 'bus error',
  SIGILL: 'illegal instruction',
  SIGFPE: 'floating point exception',
};

/** Lambda's wording when the runtime process dies during an invoke (`Runtime.ExitError`). */
export function exitMessage(requestId: string, code: number | null, signal: NodeJS.Signals | null): string {
  let reason: string;
  if (signal) reason = `Runtime exited with error: signal: ${SIGNAL_WORDS[signal] ?? signal}`;
  else if (code) reason = `Runtime exited with error: exit status ${code}`;
  else reason = 'Runtime exited without providing a reason';
  return `RequestId: ${requestId} Error: ${reason}`;
}

/** Node aborts on heap exhaustion; Lambda calls a function that ran out of memory `Runtime.OutOfMemory`. */
export function looksOutOfMemory(logs: string): boolean {
  return /JavaScript heap out of memory|MemoryError/.test(logs);
}
