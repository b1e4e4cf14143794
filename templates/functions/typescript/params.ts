import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';

/**
 * Runtime access to the fleet's SSM parameters.
 *
 * `ops` gives each function the SSM *name* of every param it declares in
 * `OPS_PARAM_<UPPER_SNAKE>` (`tasks-table` → `OPS_PARAM_TASKS_TABLE=/tasks/dev/tasks-table`);
 * values are read here, decrypted, in one batched call per cold start and cached for a TTL.
 * A local run without SSM sets the value itself in `OPS_PARAM_VALUE_<UPPER_SNAKE>`.
 */

/** GetParameters accepts at most 10 names per call. */
export const GET_PARAMETERS_MAX_NAMES = 10;
const DEFAULT_TTL_SECONDS = 300;

/** Same rule as `upperSnake` in src/config/naming.ts (kept in sync by a test): `amadeus/client-id` → `AMADEUS_CLIENT_ID`. */
export const paramEnvSuffix = (name: string) =>
  name
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
export const paramNameEnv = (name: string) => `OPS_PARAM_${paramEnvSuffix(name)}`;
export const paramValueEnv = (name: string) => `OPS_PARAM_VALUE_${paramEnvSuffix(name)}`;

/** A param the function cannot read: not declared, not found in SSM. */
export class ParamsError extends Error {
  override name = 'ParamsError';
}

interface CacheEntry {
  value: string;
  expiresAt: number;
}

const cache = new Map<string, CacheEntry>();
/** Counts GetParameters requests made by this module instance (for tests and debug logs). */
export const paramsStats = { getParametersCalls: 0 };

let client: SSMClient | undefined;
// Built on first use, so the SDK reads region and AWS_ENDPOINT_URL from the environment at that time.
const ssm = () => (client ??= new SSMClient({}));

function ttlMs(env: NodeJS.ProcessEnv): number {
  const raw = env.OPS_PARAMS_TTL_SECONDS;
  const seconds = raw === undefined || raw === '' ? DEFAULT_TTL_SECONDS : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_TTL_SECONDS * 1000;
}

/**
 * Values of the given logical params (`['tasks-table']` → `{ 'tasks-table': 'tasks-dev' }`).
 * Everything not cached is fetched together, in chunks of 10, with decryption.
 */
export async function getParams<const K extends string>(names: readonly K[]): Promise<Record<K, string>> {
  const env = process.env;
  const now = Date.now();
  const out = {} as Record<K, string>;
  const ssmNameOf = new Map<K, string>();
  const missing: string[] = [];

  for (const name of names) {
    const local = env[paramValueEnv(name)];
    if (local !== undefined) {
      out[name] = local;
      continue;
    }
    const ssmName = env[paramNameEnv(name)];
    if (!ssmName) {
      throw new ParamsError(
        `param "${name}": neither ${paramNameEnv(name)} nor ${paramValueEnv(name)} is set (is it listed under the function's params?)`,
      );
    }
    ssmNameOf.set(name, ssmName);
    const hit = cache.get(ssmName);
    if (hit && hit.expiresAt > now) out[name] = hit.value;
    else if (!missing.includes(ssmName)) missing.push(ssmName);
  }

  if (missing.length > 0) {
    const fetched = await fetchParameters(missing);
    const expiresAt = Date.now() + ttlMs(env);
    for (const [ssmName, value] of fetched) cache.set(ssmName, { value, expiresAt });
    for (const [name, ssmName] of ssmNameOf) {
      if (!(name in out)) out[name] = fetched.get(ssmName) as string;
    }
  }
  return out;
}

/** One param's value; see {@link getParams}. */
export async function getParam(name: string): Promise<string> {
  return (await getParams([name]))[name];
}

async function fetchParameters(ssmNames: string[]): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  const invalid: string[] = [];
  for (let i = 0; i < ssmNames.length; i += GET_PARAMETERS_MAX_NAMES) {
    const chunk = ssmNames.slice(i, i + GET_PARAMETERS_MAX_NAMES);
    paramsStats.getParametersCalls++;
    const res = await ssm().send(new GetParametersCommand({ Names: chunk, WithDecryption: true }));
    for (const p of res.Parameters ?? []) {
      if (p.Name !== undefined && p.Value !== undefined) values.set(p.Name, p.Value);
    }
    invalid.push(...(res.InvalidParameters ?? []));
  }
  const absent = ssmNames.filter((n) => !values.has(n));
  if (absent.length > 0) {
    const names = [...new Set([...invalid, ...absent])];
    throw new ParamsError(`SSM parameter(s) not found: ${names.join(', ')} (does this stage have a value for each?)`);
  }
  return values;
}

/** Forget cached values and the client (tests; a function never needs this). */
export function resetParams(): void {
  cache.clear();
  client = undefined;
  paramsStats.getParametersCalls = 0;
}
