import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Aws, createAws } from '../aws/clients.js';
import { downloadLayerVersion } from '../aws/layers.js';
import { fillAccount, needsAccount } from '../config/refs.js';
import type { Fleet, FunctionSpec, LayerSpec } from '../config/types.js';
import { writeFileAtomic } from '../package/files.js';
import { buildLayer, layersOf } from '../package/layers.js';
import { prepareLayersDir } from './local/index.js';

export interface LocalLayersOptions {
  /** The caller's environment: with credentials (keys or a profile) ARN layers are fetched. */
  env: NodeJS.ProcessEnv;
  endpointUrl?: string;
  log?: (msg: string) => void;
  /** One line per layer that cannot be put on the path. */
  warn?: (msg: string) => void;
  /** How long fetching one ARN layer may take. Default 60 s. */
  fetchTimeoutMs?: number;
}

/** Credentials a local run may use without prompting or probing instance metadata. */
export function hasAwsCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean((env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) || env.AWS_PROFILE);
}

/**
 * `work` with short-lived clients of its own (one attempt, no throttle waits), given at most `timeoutMs`:
 * local runs ask AWS only for what it can answer at once. The race also covers resolving credentials
 * (SSO, a profile), which no request abort reaches; after a timeout nobody waits for `work`.
 */
export async function withinBudget<T>(
  region: string,
  opts: { env: NodeJS.ProcessEnv; endpointUrl?: string },
  timeoutMs: number,
  work: (aws: Aws, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const aws = createAws({ region, endpointUrl: opts.endpointUrl, env: opts.env, maxAttempts: 1, retry: { throttleDelaysMs: [] } });
  let timer: NodeJS.Timeout | undefined;
  try {
    const running = work(aws, AbortSignal.timeout(timeoutMs));
    running.catch(() => {});
    return await Promise.race([
      running,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`AWS gave no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    aws.destroy();
  }
}

/**
 * The function's local /opt: each layer's zip (a built layer's is the one deploy publishes, an ARN
 * layer's is fetched once and cached by ARN) extracted in the function's layer order. `undefined`
 * when the function has no layer that could be had; an ARN layer that cannot be fetched is one
 * warning and is left out.
 */
export async function prepareLocalLayers(fleet: Fleet, fn: FunctionSpec, opts: LocalLayersOptions): Promise<string | undefined> {
  if (fn.layers.length === 0) return undefined;
  const zips: string[] = [];
  for (const layer of fn.layers) {
    const zip =
      layer.kind === 'build'
        ? await once(`${fleet.root}\0build\0${layer.key}`, () => builtLayerZip(fleet, layer, opts))
        : await once(`${fleet.root}\0arn\0${layer.arn}`, () => arnLayerZip(fleet, layer.arn, opts));
    if (zip) zips.push(zip);
  }
  if (zips.length === 0) return undefined;
  const { codeDir } = await prepareLayersDir({ zipPaths: zips, runDir: path.join(fleet.root, '.ops', 'run'), key: fn.key });
  return codeDir;
}

// Layers being built or fetched, by project and layer: `ops dev` prepares its functions at once, and
// two builds of one layer would both run pip and write the same zip (two fetches, the same file).
const inFlight = new Map<string, Promise<string | undefined>>();

function once(key: string, start: () => Promise<string | undefined>): Promise<string | undefined> {
  let job = inFlight.get(key);
  if (!job) {
    job = start().finally(() => inFlight.delete(key));
    inFlight.set(key, job);
  }
  return job;
}

async function builtLayerZip(fleet: Fleet, layer: Extract<LayerSpec, { kind: 'build' }>, opts: LocalLayersOptions): Promise<string> {
  // Built for the runtime and architecture deploy uses (the fleet's first Python user), so it is the same zip.
  const target = layersOf(fleet.functions).find((t) => t.layer.name === layer.name);
  if (!target) throw new Error(`layer ${layer.key} is not used by any function of the fleet`);
  return (await buildLayer(target, { root: fleet.root, log: opts.log })).zipPath;
}

/** `.ops/layers/<arn with : as _>.zip`: a layer version's content never changes. */
export function arnLayerCachePath(root: string, arn: string): string {
  return path.join(root, '.ops', 'layers', `${arn.replace(/[^A-Za-z0-9._-]/g, '_')}.zip`);
}

async function arnLayerZip(fleet: Fleet, arn: string, opts: LocalLayersOptions): Promise<string | undefined> {
  const cached = arnLayerCachePath(fleet.root, arn);
  if (existsSync(cached)) return cached;
  const skip = (why: string) => {
    opts.warn?.(`layer ${arn}: not on the local path (${why}); running without it`);
    return undefined;
  };
  if (!hasAwsCredentials(opts.env)) return skip('no AWS credentials to fetch it with');
  // Lambda attaches only layers of the function's region; the ARN says which that is.
  const region = arn.split(':')[3] || fleet.region;
  const aws = createAws({ region, endpointUrl: opts.endpointUrl, env: opts.env, maxAttempts: 2, retry: { throttleDelaysMs: [] } });
  try {
    // `${account}` in the config's ARN stands for the account of these credentials, as in a deploy.
    const resolved = needsAccount(arn) ? fillAccount(arn, await aws.accountId()) : arn;
    const zip = await downloadLayerVersion(aws, resolved, { signal: AbortSignal.timeout(opts.fetchTimeoutMs ?? 60_000) });
    await mkdir(path.dirname(cached), { recursive: true });
    await writeFileAtomic(cached, zip);
    opts.log?.(`layer ${arn}: fetched (${zip.length} bytes) into ${path.relative(fleet.root, cached)}`);
    return cached;
  } catch (error) {
    return skip(`cannot fetch it: ${firstLine(error)}`);
  } finally {
    aws.destroy();
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] || (error as Error)?.name || 'unknown error';
}
