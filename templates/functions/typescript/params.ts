import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';

/**
 * Runtime access to the fleet's SSM parameters.
 *
 * `ops` gives each function the SSM *name* of every param it declares in
 * `OPS_PARAM_<UPPER_SNAKE>` (`tasks-table` → `OPS_PARAM_TASKS_TABLE=/tasks/dev/tasks-table`);
 * values are read here, decrypted, in one batched call per cold start and cached for a TTL.
 * A local run without SSM sets the value itself in `OPS_PARAM_VALUE_<UPPER_SNAKE>`.
 * A param declared with `secret` (Secrets Manager) gets `secretsmanager:<name or ARN>[#<json key>]` instead:
 * its value is read with GetSecretValue, cached the same way, and the JSON key picked here.
 *
 * Secrets Manager secrets the fleet declares (`resources: { creds: { type: 'secret' } }`) and a function uses
 * (`uses: { creds: 'read' }`) arrive as their *name* in `<KEY>_SECRET_NAME`; `secret('creds')` reads the value
 * (one GetSecretValue, cached like params). A local run may put the value itself in `OPS_SECRET_VALUE_<KEY>`.
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
  const secretRefOf = new Map<K, string>();
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
    if (ssmName.startsWith(SECRET_REF_PREFIX)) {
      secretRefOf.set(name, ssmName);
      continue;
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
  for (const [name, ref] of secretRefOf) out[name] = await secretParamValue(name, ref);
  return out;
}

const SECRET_REF_PREFIX = 'secretsmanager:';

/** A Secrets Manager param's value: `secretsmanager:<id>[#<key>]`, the whole value cached by id, the JSON key picked. */
async function secretParamValue(name: string, ref: string): Promise<string> {
  const rest = ref.slice(SECRET_REF_PREFIX.length);
  // Secret names and ARNs cannot hold '#': the first one starts the JSON key.
  const hash = rest.indexOf('#');
  const id = hash < 0 ? rest : rest.slice(0, hash);
  const key = hash < 0 ? undefined : rest.slice(hash + 1);
  const whole = await secretValueOf(
    id,
    `param "${name}" (secret ${id}) has no value (or does not exist): set it with \`ops params set ${name} --stdin\``,
  );
  if (key === undefined) return whole;
  let json: unknown;
  try {
    json = JSON.parse(whole);
  } catch {
    throw new ParamsError(`param "${name}": secret ${id} is not JSON, so it has no key ${key}`);
  }
  const v = json !== null && typeof json === 'object' ? (json as Record<string, unknown>)[key] : undefined;
  if (v === undefined || v === null) throw new ParamsError(`param "${name}": secret ${id} has no key ${key}`);
  return typeof v === 'string' ? v : JSON.stringify(v);
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

/** `creds` → `CREDS_SECRET_NAME` (resourceEnvName in src/config/naming.ts). */
export const secretNameEnv = (key: string) => `${paramEnvSuffix(key)}_SECRET_NAME`;
export const secretValueEnv = (key: string) => `OPS_SECRET_VALUE_${paramEnvSuffix(key)}`;

const secretCache = new Map<string, CacheEntry>();
/** Counts GetSecretValue requests made by this module instance. */
export const secretsStats = { getSecretValueCalls: 0 };
type SecretsClient = { send(command: unknown): Promise<{ SecretString?: string; SecretBinary?: Uint8Array }> };
let secretsClient: Promise<{ client: SecretsClient; command: (name: string) => unknown }> | undefined;
// Imported on first use: a function that reads no secret never loads the client.
const secretsManager = () =>
  (secretsClient ??= import('@aws-sdk/client-secrets-manager').then((m) => ({
    client: new m.SecretsManagerClient({}) as SecretsClient,
    command: (name: string) => new m.GetSecretValueCommand({ SecretId: name }),
  })));

/** The current value of a declared secret the function uses (`uses: { creds: 'read' }`), cached for the TTL. */
export async function secret(key: string): Promise<string> {
  const env = process.env;
  const local = env[secretValueEnv(key)];
  if (local !== undefined) return local;
  const name = env[secretNameEnv(key)];
  if (!name) {
    throw new ParamsError(
      `secret "${key}": neither ${secretNameEnv(key)} nor ${secretValueEnv(key)} is set (does the function list it under uses?)`,
    );
  }
  return secretValueOf(name, `secret "${key}" (${name}) has no value (or does not exist): set it with \`ops secrets set ${key} --stdin\``);
}

/** A secret's current value by name or ARN, cached for the TTL; `notFound` is the error's message when there is none. */
async function secretValueOf(name: string, notFound: string): Promise<string> {
  const env = process.env;
  const hit = secretCache.get(name);
  if (hit && hit.expiresAt > Date.now()) return hit.value;
  const sm = await secretsManager();
  secretsStats.getSecretValueCalls++;
  let res: Awaited<ReturnType<SecretsClient['send']>>;
  try {
    res = await sm.client.send(sm.command(name));
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') throw new ParamsError(notFound);
    throw error;
  }
  const value = res.SecretString ?? (res.SecretBinary ? Buffer.from(res.SecretBinary).toString('utf8') : '');
  secretCache.set(name, { value, expiresAt: Date.now() + ttlMs(env) });
  return value;
}

/** Forget cached values and the clients (tests; a function never needs this). */
export function resetParams(): void {
  cache.clear();
  secretCache.clear();
  client = undefined;
  secretsClient = undefined;
  paramsStats.getParametersCalls = 0;
  secretsStats.getSecretValueCalls = 0;
}
