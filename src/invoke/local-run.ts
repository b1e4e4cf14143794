import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { getParameters } from '../aws/ssm.js';
import { paramPrefix, paramValueEnvName, upperSnake } from '../config/naming.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { buildFunction } from '../package/index.js';
import { parseDotenv } from '../params/dotenv.js';
import { prepareCodeDir, provideAwsSdk } from './local/index.js';
import type { LocalWorkerOptions } from './local/types.js';
import { hasAwsCredentials, prepareLocalLayers, withinBudget } from './local-layers.js';
import { localRefValues } from './local-refs.js';
import { readableSecretParams } from './local-secrets.js';
import { localResourceEnv } from './local-uses.js';

// What a local function may inherit from the caller to reach AWS (or an emulator) as the caller does.
const AWS_PASS_THROUGH = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_ENDPOINT_URL',
  'AWS_EC2_METADATA_DISABLED',
];

export interface LocalParams {
  /** Env vars carrying values (`OPS_PARAM_VALUE_<NAME>`), read by the fleet's params helper. */
  env: Record<string, string>;
  /** Where the values came from, for one line of talk: `SSM /tasks/dev/`, `.env.dev`, or both. */
  source?: string;
  missing: string[];
}

export interface LocalParamsOptions {
  /**
   * The caller's environment. With credentials in it (keys or a profile) the stage's store is
   * tried first; without `env` only `.env.<stage>` is read.
   */
  env?: NodeJS.ProcessEnv;
  /** `--endpoint-url` (else AWS_ENDPOINT_URL from `env`, else AWS itself). */
  endpointUrl?: string;
  /** How long the store may take before `.env.<stage>` is used alone. Default 2000 ms. */
  timeoutMs?: number;
  /** Why the store was not used (debug talk). */
  log?: (msg: string) => void;
}

/**
 * Values for the params a function reads, for a local run: from the stage's SSM store when it is
 * reachable (one GetParameters per 10 names, decrypted, no retries, a short timeout), then from
 * `.env.<stage>` next to the config (git-ignored) for whatever the store did not have. Dotenv keys
 * may be the param name (`amadeus/client-id`) or its env form (`AMADEUS_CLIENT_ID`).
 */
export async function localParams(fleet: Fleet, fn: FunctionSpec, opts: LocalParamsOptions = {}): Promise<LocalParams> {
  const file = path.join(fleet.root, `.env.${fleet.stage}`);
  const values = existsSync(file) ? parseDotenv(await readFile(file, 'utf8')) : {};
  const [stored, fromSecrets] = await Promise.all([fromStore(fleet, fn, opts), readableSecretParams(fleet, fn, opts)]);
  const env: Record<string, string> = {};
  const missing: string[] = [];
  const used = new Set<string>();
  const ssm = ssmPlaces(paramPrefix(fleet.app, fleet.stage), fn.params);
  for (const p of fn.params) {
    // Its secret is there: the helper reads it from Secrets Manager as on Lambda (OPS_PARAM_<NAME> holds the id).
    if (p.secret && fromSecrets?.has(p.name)) {
      used.add('Secrets Manager');
      continue;
    }
    const fromSsm = p.secret ? undefined : stored?.get(p.path);
    const v = fromSsm ?? values[p.name] ?? values[upperSnake(p.name)];
    if (v === undefined) {
      missing.push(p.name);
      continue;
    }
    used.add(fromSsm !== undefined ? ssm : path.basename(file));
    env[paramValueEnvName(p.name)] = v;
    // A param resolved into the environment at deploy time gets its value directly.
    if (p.resolve) env[p.env] = v;
  }
  const looked = [...(stored ? [ssm] : []), ...(existsSync(file) ? [path.basename(file)] : [])];
  const source = used.size ? [...used].join(' and ') : looked.length ? looked.join(' or ') : undefined;
  return { env, source, missing };
}

/**
 * Where the function's params are in SSM, for talk: the stage's prefix (`SSM /tasks/dev/`), and each param kept at
 * a path of its own (`path: '/spool/openai-api-key'`) by that path, since it is not under the prefix.
 */
function ssmPlaces(prefix: string, params: FunctionSpec['params']): string {
  const places = new Set(params.filter((p) => !p.secret).map((p) => (p.path.startsWith(prefix) ? prefix : p.path)));
  return `SSM ${places.size ? [...places].join(', ') : prefix}`;
}

/** The store's values by SSM name, or `undefined` when it is not configured or not reachable. */
async function fromStore(fleet: Fleet, fn: FunctionSpec, opts: LocalParamsOptions): Promise<Map<string, string> | undefined> {
  const env = opts.env;
  if (!env || fn.params.length === 0) return undefined;
  if (!hasAwsCredentials(env)) return undefined;
  try {
    const found = await withinBudget(fleet.region, { env, endpointUrl: opts.endpointUrl }, opts.timeoutMs ?? 2000, (aws, abortSignal) =>
      getParameters(
        aws,
        fn.params.map((p) => p.path),
        { decrypt: true, abortSignal },
      ),
    );
    const values = new Map<string, string>();
    for (const [name, p] of found) if (p.value !== undefined) values.set(name, p.value);
    return values;
  } catch (error) {
    opts.log?.(`params: SSM ${paramPrefix(fleet.app, fleet.stage)} not used (${(error as Error).message}); reading .env.${fleet.stage}`);
    return undefined;
  }
}

export interface PrepareLocalOptions {
  /** The caller's environment: AWS credentials, profile and endpoint pass through to the function. */
  env: NodeJS.ProcessEnv;
  endpointUrl?: string;
  log?: (msg: string) => void;
  onLog?: (chunk: string) => void;
  onWarning?: (msg: string) => void;
  /** `ops dev`: the URL a function's reference to the fleet's API (ref.api.url) gets: the local server's. */
  apiUrl?: string;
}

/** The `@aws-sdk` directory ops is installed with (its own clients live there). */
function opsAwsSdkDir(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('@aws-sdk/client-lambda');
    return entry.slice(0, entry.lastIndexOf(`${path.sep}client-lambda${path.sep}`));
  } catch {
    return undefined;
  }
}

/**
 * Builds the function's zip and its layers (cached), extracts them under `.ops/run` (the layers into
 * one directory that plays /opt) and returns what a LocalWorker needs.
 */
export async function prepareLocalFunction(fleet: Fleet, fn: FunctionSpec, opts: PrepareLocalOptions) {
  const artifact = await buildFunction(fn, { root: fleet.root, log: opts.log });
  const runDir = path.join(fleet.root, '.ops', 'run');
  const { codeDir } = await prepareCodeDir({ zipPath: artifact.zipPath, runDir, key: fn.key });
  if (fn.language === 'node' && !fn.bundle.bundleAwsSdk) await provideAwsSdk(runDir, fleet.root, opsAwsSdkDir());
  const optDir = await prepareLocalLayers(fleet, fn, { env: opts.env, endpointUrl: opts.endpointUrl, log: opts.log, warn: opts.onWarning });
  const [params, refs, uses] = await Promise.all([
    localParams(fleet, fn, { env: opts.env, endpointUrl: opts.endpointUrl, log: opts.log }),
    localRefValues(fleet, fn, { env: opts.env, endpointUrl: opts.endpointUrl, apiUrl: opts.apiUrl, warn: opts.onWarning }),
    localResourceEnv(fleet, fn, { env: opts.env, endpointUrl: opts.endpointUrl, warn: opts.onWarning }),
  ]);
  const env: Record<string, string> = {};
  for (const k of AWS_PASS_THROUGH) if (opts.env[k]) env[k] = opts.env[k] as string;
  if (opts.endpointUrl) env.AWS_ENDPOINT_URL = opts.endpointUrl;
  // The function's SDK would warn that this machine's Node is older than its runtime's; ops already
  // says so once (the worker's runtime warning), Lambda itself never would.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // The resources' variables follow the configured environment, as in the deploy's (function/plan.ts).
  Object.assign(env, fn.environment, refs, uses.env, params.env);
  const worker: LocalWorkerOptions = {
    codeDir,
    optDir,
    runtime: fn.runtime,
    handler: fn.handler.lambdaHandler,
    functionName: fn.name,
    memoryMB: fn.memory,
    timeoutSec: fn.timeout,
    env,
    region: fleet.region,
    onLog: opts.onLog,
    onWarning: opts.onWarning,
  };
  return { artifact, worker, params, uses };
}
