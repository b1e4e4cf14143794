import type { Fleet, FunctionSpec } from '../config/types.js';
import { secretParamProblem } from '../params/secret-check.js';
import { hasAwsCredentials, withinBudget } from './local-layers.js';

/**
 * The function's Secrets Manager params that a local run leaves to the handler helpers: their secret exists
 * with a value (DescribeSecret, never the value: the helper reads it as on Lambda, with the caller's credentials
 * and endpoint). `undefined` when Secrets Manager is not configured or not reachable: `.env.<stage>` then gives
 * the values.
 */
export async function readableSecretParams(
  fleet: Fleet,
  fn: FunctionSpec,
  opts: { env?: NodeJS.ProcessEnv; endpointUrl?: string; timeoutMs?: number; log?: (msg: string) => void },
): Promise<Set<string> | undefined> {
  const secrets = fn.params.filter((p) => p.secret);
  if (!opts.env || !secrets.length || !hasAwsCredentials(opts.env)) return undefined;
  try {
    const readable = await withinBudget(fleet.region, { env: opts.env, endpointUrl: opts.endpointUrl }, opts.timeoutMs ?? 2000, (aws) =>
      Promise.all(secrets.map(async (p) => ((await secretParamProblem(aws, p.secret!)) ? [] : [p.name]))),
    );
    return new Set(readable.flat());
  } catch (error) {
    opts.log?.(`params: Secrets Manager not used (${(error as Error).message}); reading .env.${fleet.stage}`);
    return undefined;
  }
}
