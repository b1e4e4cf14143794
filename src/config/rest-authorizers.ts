import type { Problem } from './validate.js';

/**
 * What a REST API (API Gateway v1) makes of the authorizers config (src/config/authorizers.ts): a JWT
 * authorizer is a COGNITO_USER_POOLS one (v1 verifies JWTs of Cognito user pools only), a Lambda one is a
 * REQUEST (or TOKEN) authorizer, and identity sources are written in v1's syntax. The rules, one line each.
 */

/** What a REST API's authorizer should be, as v1 takes it (identity sources in v1's syntax, comma-separated). */
export type RestAuthorizerInput =
  | { name: string; type: 'COGNITO_USER_POOLS'; providerArns: string[]; identitySource: string }
  | { name: string; type: 'REQUEST' | 'TOKEN'; functionName: string; identitySource: string; ttl: number };

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `https://cognito-idp.{region}.amazonaws.com/{poolId}`: the region and the user pool id. */
const COGNITO_ISSUER = /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([a-z0-9-]+_[A-Za-z0-9]+)\/?$/;

export function cognitoPoolOf(issuer: string): { region: string; poolId: string } | undefined {
  const m = COGNITO_ISSUER.exec(issuer);
  return m ? { region: m[1], poolId: m[2] } : undefined;
}

/**
 * The user pool's ARN. The issuer names no account: the pool is taken to be in the deploying account (a
 * Cognito authorizer of another account's pool is not expressible by issuer).
 */
export function userPoolArn(issuer: string, accountId: string): string | undefined {
  const pool = cognitoPoolOf(issuer);
  if (!pool) return undefined;
  const partition = pool.region.startsWith('cn-') ? 'aws-cn' : pool.region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:cognito-idp:${pool.region}:${accountId}:userpool/${pool.poolId}`;
}

/** v2's `$request.header.Authorization` → v1's `method.request.header.Authorization` (`$context.x` → `context.x`, ...). */
export const v1IdentitySource = (source: string): string =>
  source.startsWith('$request.') ? `method.request.${source.slice('$request.'.length)}` : source.replace(/^\$/, '');

const singleHeader = (sources: unknown) =>
  sources === undefined || (Array.isArray(sources) && sources.length === 1 && /^\$request\.header\.[^.]+$/.test(String(sources[0])));

/** One authorizer of a REST API: what v1 cannot do with it. */
function oneAuthorizer(a: Record<string, any>, at: string): Problem[] {
  const out: Problem[] = [];
  if (a.type === 'jwt') {
    const foreignIssuer = typeof a.issuer === 'string' && a.issuer.startsWith('https://') && !cognitoPoolOf(a.issuer);
    if (foreignIssuer)
      out.push({
        path: `${at}.issuer`,
        message:
          "a REST API verifies JWTs only through a Cognito user pool (issuer https://cognito-idp.{region}.amazonaws.com/{poolId}) or a Lambda authorizer (type 'lambda')",
      });
    // With another issuer the one line above says what to do; the audience is moot then.
    if (a.audience !== undefined && !foreignIssuer)
      out.push({
        path: `${at}.audience`,
        message:
          "a REST API's Cognito authorizer takes tokens of every app client of the pool: audience cannot be checked there (drop it, or use a Lambda authorizer)",
      });
    if (!singleHeader(a.identitySource))
      out.push({
        path: `${at}.identitySource`,
        message: "a REST API's Cognito authorizer reads one header: ['$request.header.Authorization']",
      });
  }
  if (a.type === 'lambda') {
    if (a.payload !== undefined)
      out.push({
        path: `${at}.payload`,
        message: "payload is an HTTP API authorizer's: a REST API's Lambda authorizer answers an IAM policy (drop it)",
      });
    if (a.functionPayloadType === 'TOKEN' && !singleHeader(a.identitySource))
      out.push({ path: `${at}.identitySource`, message: "a TOKEN authorizer reads one header: ['$request.header.Authorization']" });
  }
  return out;
}

/**
 * The authorizers of one API (`api` is its raw config, `at` its path: 'api'): on a REST API, what v1 cannot
 * do; on an HTTP API, the REST-only `functionPayloadType: 'TOKEN'`.
 */
export function restAuthorizerProblems(api: unknown, at: string): Problem[] {
  if (!isObj(api) || !isObj(api.authorizers)) return [];
  const rest = api.type === 'rest';
  return Object.entries(api.authorizers).flatMap(([name, a]) => {
    if (!isObj(a)) return [];
    const path = `${at}.authorizers.${name}`;
    if (rest) return oneAuthorizer(a, path);
    return a.type === 'lambda' && a.functionPayloadType === 'TOKEN'
      ? [
          {
            path: `${path}.functionPayloadType`,
            message: "TOKEN authorizers are a REST API's (api.type 'rest'): an HTTP API's are REQUEST",
          },
        ]
      : [];
  });
}
