import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildFunction } from '../build/index.js';
import { paramValueEnvName, upperSnake } from '../config/naming.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { parseDotenv } from '../params/dotenv.js';
import { prepareCodeDir } from './local/index.js';
import type { LocalWorkerOptions } from './local/types.js';

// What a local function may inherit from the caller to reach AWS (or an emulator) as the caller does.
const AWS_PASS_THROUGH = [
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE',
  'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ENDPOINT_URL', 'AWS_EC2_METADATA_DISABLED',
];

export interface LocalParams {
  /** Env vars carrying values (`OPS_PARAM_VALUE_<NAME>`), read by the fleet's params helper. */
  env: Record<string, string>;
  /** Where the values came from, for one line of talk. */
  source?: string;
  missing: string[];
}

/**
 * Values for the params a function reads, for a local run: from `.env.<stage>` next to the config
 * (git-ignored). Keys may be the param name (`amadeus/client-id`) or its env form (`AMADEUS_CLIENT_ID`).
 */
export async function localParams(fleet: Fleet, fn: FunctionSpec): Promise<LocalParams> {
  const file = path.join(fleet.root, `.env.${fleet.stage}`);
  const values = existsSync(file) ? parseDotenv(await readFile(file, 'utf8')) : {};
  const env: Record<string, string> = {};
  const missing: string[] = [];
  for (const p of fn.params) {
    const v = values[p.name] ?? values[upperSnake(p.name)];
    if (v === undefined) missing.push(p.name);
    else {
      env[paramValueEnvName(p.name)] = v;
      // A param resolved into the environment at deploy time gets its value directly.
      if (p.resolve) env[p.env] = v;
    }
  }
  return { env, source: existsSync(file) ? path.basename(file) : undefined, missing };
}

export interface PrepareLocalOptions {
  /** The caller's environment: AWS credentials, profile and endpoint pass through to the function. */
  env: NodeJS.ProcessEnv;
  endpointUrl?: string;
  log?: (msg: string) => void;
  onLog?: (chunk: string) => void;
  onWarning?: (msg: string) => void;
}

/** Builds the function's zip (cached), extracts it under `.ops/run` and returns what a LocalWorker needs. */
export async function prepareLocalFunction(fleet: Fleet, fn: FunctionSpec, opts: PrepareLocalOptions) {
  const artifact = await buildFunction(fn, { root: fleet.root, log: opts.log });
  const { codeDir } = await prepareCodeDir({ zipPath: artifact.zipPath, runDir: path.join(fleet.root, '.ops', 'run'), key: fn.key });
  const params = await localParams(fleet, fn);
  const env: Record<string, string> = {};
  for (const k of AWS_PASS_THROUGH) if (opts.env[k]) env[k] = opts.env[k] as string;
  if (opts.endpointUrl) env.AWS_ENDPOINT_URL = opts.endpointUrl;
  Object.assign(env, fn.environment, params.env);
  const worker: LocalWorkerOptions = {
    codeDir,
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
  return { artifact, worker, params };
}
