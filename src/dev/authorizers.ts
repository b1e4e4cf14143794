import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { AuthorizerSpec, RouteAuth } from '../config/resolve-authorizers.js';
import type { DevResponse } from './response.js';

/**
 * What API Gateway checks before a route's function runs, done locally by `ops dev`: a JWT's issuer,
 * audience, expiry and scopes (not its signature: that needs the issuer's JWKS over the network), a
 * Lambda authorizer's answer (the fleet function run like any local invoke), IAM accepted unsigned.
 */

const json = (status: number, message: string, extra: Record<string, string[]> = {}): DevResponse => ({
  status,
  headers: { 'content-type': ['application/json'], ...extra },
  body: Buffer.from(JSON.stringify({ message })),
});

export const authResponses = {
  /** No token, or one API Gateway rejects (issuer, audience, expiry): 401, with the reason in `www-authenticate`. */
  unauthorized: (why?: string) =>
    json(401, 'Unauthorized', why ? { 'www-authenticate': [`Bearer scope="" error="invalid_token" error_description="${why}"`] } : {}),
  /** A Lambda authorizer said no, or the token lacks the route's scopes. */
  forbidden: () => json(403, 'Forbidden'),
  /** A Lambda authorizer that failed or answered something API Gateway cannot read. */
  error: () => json(500, 'Internal Server Error'),
};

export const JWT_SIGNATURE_NOTE =
  "JWT routes: ops dev checks each token's issuer, audience, expiry and scopes, NOT its signature (that needs the issuer's keys over the network): any well-formed token with the right claims passes here";
export const IAM_NOTE = 'IAM routes (AWS_IAM): ops dev accepts every request unsigned; the deployed API checks the SigV4 signature';

function base64urlJson(part: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export type JwtCheck = { ok: true; claims: Record<string, unknown>; scopes: string[] } | { ok: false; response: DevResponse };

/**
 * A bearer token against a JWT authorizer, as API Gateway checks it (minus the signature): `iss` equal to
 * the issuer, `aud` (or a Cognito access token's `client_id`) among the audience when one is given, `exp` in the future,
 * `nbf` past; the route's scopes, when it names some, in `scope` / `scp`.
 */
export function checkJwt(
  header: string | undefined,
  a: Extract<AuthorizerSpec, { type: 'jwt' }>,
  scopes: string[] | undefined,
  now: Date,
): JwtCheck {
  const fail = (why?: string): JwtCheck => ({ ok: false, response: authResponses.unauthorized(why) });
  const token = header?.replace(/^Bearer\s+/i, '').trim();
  if (!token) return fail();
  const parts = token.split('.');
  const claims = parts.length === 3 ? base64urlJson(parts[1]) : undefined;
  if (!claims) return fail('the token is not a JWT');
  if (claims.iss !== a.issuer) return fail(`the token's issuer is not ${a.issuer}`);
  const audiences = [claims.aud, claims.client_id].flat().filter((x): x is string => typeof x === 'string');
  // No audience: a REST API's Cognito authorizer, which takes a token of any app client of the pool.
  if (a.audience.length && !audiences.some((x) => a.audience.includes(x))) return fail('the token does not match the audience');
  const seconds = now.getTime() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= seconds) return fail('the token has expired');
  if (typeof claims.nbf === 'number' && claims.nbf > seconds) return fail('the token is not valid yet');
  const granted = String(claims.scope ?? claims.scp ?? '')
    .split(/\s+/)
    .filter(Boolean);
  if (scopes?.length && !scopes.some((s) => granted.includes(s))) return { ok: false, response: authResponses.forbidden() };
  return { ok: true, claims, scopes: granted };
}

/** The identity source values of a request (`$request.header.X`, `$request.querystring.x`); undefined when one is missing. */
export function identityValues(sources: string[], headers: Record<string, string>, query: URLSearchParams): string[] | undefined {
  const out: string[] = [];
  for (const s of sources) {
    const header = /^\$request\.header\.(.+)$/.exec(s);
    const q = /^\$request\.querystring\.(.+)$/.exec(s);
    const v = header ? headers[header[1].toLowerCase()] : q ? (query.get(q[1]) ?? undefined) : '';
    if (v === undefined || v === null) return undefined;
    if (v !== '') out.push(v);
  }
  return out;
}

export type LambdaVerdict = { ok: true; context?: Record<string, unknown> } | { ok: false; response: DevResponse };

/** A Lambda authorizer's answer: `{ isAuthorized }` (simple responses, payload 2.0) or an IAM policy (1.0, or 2.0 without simple). */
export function lambdaVerdict(result: unknown, payload: '1.0' | '2.0'): LambdaVerdict {
  const r = (typeof result === 'object' && result !== null ? result : {}) as Record<string, any>;
  const context = typeof r.context === 'object' && r.context !== null ? (r.context as Record<string, unknown>) : undefined;
  if (payload === '2.0' && typeof r.isAuthorized === 'boolean')
    return r.isAuthorized ? { ok: true, ...(context ? { context } : {}) } : { ok: false, response: authResponses.forbidden() };
  const statements = r.policyDocument?.Statement;
  if (!Array.isArray(statements)) return { ok: false, response: authResponses.error() };
  const allowed = statements.some((s: any) => s?.Effect === 'Allow') && !statements.some((s: any) => s?.Effect === 'Deny');
  return allowed ? { ok: true, ...(context ? { context } : {}) } : { ok: false, response: authResponses.forbidden() };
}

/** The authorizer a route names (undefined: none or IAM). */
export function authorizerOf(auth: RouteAuth | undefined, all: AuthorizerSpec[] | undefined): AuthorizerSpec | undefined {
  if (!auth || auth.type === 'iam') return undefined;
  return all?.find((a) => a.name === auth.authorizer);
}

export interface AuthorizeInput {
  auth: RouteAuth | undefined;
  authorizers: AuthorizerSpec[] | undefined;
  /** The payload 2.0 event built for the route's function (lower-case headers). */
  event: APIGatewayProxyEventV2;
  region: string;
  now: Date;
  /** Runs the authorizer function locally (as any local invoke); `ok` false: it threw; a string: it timed out. */
  invoke(fnKey: string, event: unknown): Promise<{ ok: boolean; result?: unknown } | string>;
  /** Said once per message (the dev server dedupes). */
  note(message: string): void;
}

/** A denial to answer, or the `requestContext.authorizer` to give the route's function. */
export type AuthorizeOutcome = { response: DevResponse } | { authorizer?: Record<string, unknown> };

/** Checks the route's authorization; what the authorizer gives the function is set on `event.requestContext.authorizer`. */
export async function authorize(input: AuthorizeInput): Promise<AuthorizeOutcome> {
  const outcome = await check(input);
  if ('authorizer' in outcome && outcome.authorizer) Object.assign(input.event.requestContext, { authorizer: outcome.authorizer });
  return outcome;
}

async function check(input: AuthorizeInput): Promise<AuthorizeOutcome> {
  const { auth, event } = input;
  if (!auth) return {};
  const headers = Object.fromEntries(Object.entries(event.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
  if (auth.type === 'iam') {
    input.note(IAM_NOTE);
    return {
      authorizer: {
        iam: { accessKey: 'LOCAL', accountId: '123456789012', callerId: 'LOCAL', principalOrgId: null, userArn: 'local', userId: 'LOCAL' },
      },
    };
  }
  const a = authorizerOf(auth, input.authorizers);
  if (!a) return {};
  if (a.type === 'jwt') {
    input.note(JWT_SIGNATURE_NOTE);
    const header = identityValues(a.identitySource, headers, new URLSearchParams(event.rawQueryString ?? ''))?.[0];
    const check = checkJwt(header, a, auth.type === 'jwt' ? auth.scopes : undefined, input.now);
    return check.ok ? { authorizer: { jwt: { claims: check.claims, scopes: check.scopes.length ? check.scopes : null } } } : check;
  }
  if (a.type !== 'lambda') return {};
  const identity = identityValues(a.identitySource, headers, new URLSearchParams(event.rawQueryString ?? ''));
  if (!identity) return { response: authResponses.unauthorized() };
  const [method, path] = event.routeKey === '$default' ? ['*', '/*'] : event.routeKey.split(' ');
  const routeArn = `arn:aws:execute-api:${input.region}:123456789012:local/$default/${method === 'ANY' ? '*' : method}${path}`;
  const request =
    a.payload === '2.0'
      ? { ...event, type: 'REQUEST', routeArn, identitySource: identity }
      : {
          version: '1.0',
          type: 'REQUEST',
          methodArn: routeArn,
          identitySource: identity.join(','),
          headers,
          requestContext: event.requestContext,
        };
  const out = await input.invoke(a.function, request);
  if (typeof out === 'string' || !out.ok) return { response: authResponses.error() };
  const verdict = lambdaVerdict(out.result, a.payload);
  return verdict.ok ? { authorizer: { lambda: verdict.context ?? {} } } : verdict;
}
