/** Physical names on AWS, all derived from app and stage so two stages never collide. */
export const physicalName = (app: string, stage: string, key: string) => `${app}-${stage}-${key}`;
export const paramPath = (app: string, stage: string, name: string) => `/${app}/${stage}/${name}`;
export const paramPrefix = (app: string, stage: string) => `/${app}/${stage}/`;
export const logGroupName = (functionName: string) => `/aws/lambda/${functionName}`;
export const apiName = (app: string, stage: string) => `${app}-${stage}`;

/** `amadeus/client-id` → `AMADEUS_CLIENT_ID`. */
export const upperSnake = (s: string) =>
  s
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();

/** Environment variable holding a parameter's SSM name. */
export const paramEnvName = (name: string) => `OPS_PARAM_${upperSnake(name)}`;
/** Environment variable holding a parameter's value (resolved at deploy time, or for local runs). */
export const paramValueEnvName = (name: string) => `OPS_PARAM_VALUE_${upperSnake(name)}`;
/** Environment variable holding an invoked function's physical name. */
export const invokeEnvName = (key: string) => `${upperSnake(key)}_FUNCTION_NAME`;

/** Tags every resource ops creates carries; ownership is decided by them. */
export const ownershipTags = (app: string, stage: string) => ({ 'ops:app': app, 'ops:stage': stage });

/** Lambda function names and IAM role names are limited to 64 characters. */
export const MAX_NAME_LENGTH = 64;

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** The closest candidate within a small distance, or undefined. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}
