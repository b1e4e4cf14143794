import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AuthorizerSpec, RouteAuth } from '../config/resolve-authorizers.js';
import { authorizerOf, checkJwt, IAM_NOTE, identityValues, JWT_SIGNATURE_NOTE } from './authorizers.js';
import type { DevResponse } from './response.js';
import { headerOf } from './rest-event.js';
import { restResponses } from './rest-response.js';

/**
 * The checks a REST API makes before a method's function runs, done locally by `ops dev`: the route's
 * authorizer (a JWT / Cognito user pool token's issuer, audience and expiry, as for HTTP APIs; a Lambda
 * authorizer run locally with API Gateway v1's REQUEST event and read as an IAM policy; IAM accepted
 * unsigned), then the API key of a method that needs one.
 */

/** The keys `ops dev` accepts: none exist locally, so any non-empty key, or exactly `OPS_DEV_API_KEY` when set. */
export interface ApiKeyPolicy {
  /** The one value accepted; absent: any non-empty key. */
  value?: string;
}

export const apiKeyNote = (p: ApiKeyPolicy) =>
  p.value
    ? 'API keys: routes with apiKey need x-api-key equal to OPS_DEV_API_KEY; without it, 403 Forbidden as API Gateway answers'
    : 'API keys: routes with apiKey accept any non-empty x-api-key (set OPS_DEV_API_KEY to require one value); without it, 403 Forbidden as API Gateway answers';

/** The request's key when the method accepts it, else undefined (403). */
export function checkApiKey(headers: Record<string, string>, policy: ApiKeyPolicy): string | undefined {
  const key = headerOf(headers, 'x-api-key');
  if (!key) return undefined;
  return policy.value === undefined || key === policy.value ? key : undefined;
}

/** `*` any run of characters, `?` one: an IAM policy's Resource against the method ARN. */
function arnMatches(pattern: string, arn: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(arn);
}

const resourcesOf = (s: Record<string, unknown>) => [s.Resource].flat().filter((r): r is string => typeof r === 'string');

export type RestVerdict = { ok: true; authorizer?: Record<string, unknown> } | { ok: false; response: DevResponse; note?: string };

/** A REQUEST authorizer's answer as API Gateway v1 reads it: a policy allowing the method ARN, a context of scalars. */
export function restPolicyVerdict(result: unknown, methodArn: string): RestVerdict {
  const r = (typeof result === 'object' && result !== null ? result : {}) as Record<string, any>;
  const statements: Record<string, unknown>[] = [r.policyDocument?.Statement].flat().filter((s) => typeof s === 'object' && s !== null);
  const error = (note: string): RestVerdict => ({ ok: false, response: restResponses.authorizerError(), note });
  if (!statements.length || typeof r.principalId !== 'string')
    return error('the authorizer must answer { principalId, policyDocument } (a REST API reads an IAM policy, not isAuthorized)');
  const context = r.context ?? {};
  if (typeof context !== 'object' || Object.values(context).some((v) => v !== null && typeof v === 'object'))
    return error("the authorizer's context values must be strings, numbers or booleans");
  const on = (effect: string) => statements.some((s) => s.Effect === effect && resourcesOf(s).some((p) => arnMatches(p, methodArn)));
  if (on('Deny')) return { ok: false, response: restResponses.denied(true) };
  if (!on('Allow')) return { ok: false, response: restResponses.denied(false), note: `no Allow for ${methodArn}` };
  return { ok: true, authorizer: { principalId: r.principalId, integrationLatency: 0, ...context } };
}

export interface RestAuthorizeInput {
  auth: RouteAuth | undefined;
  authorizers: AuthorizerSpec[] | undefined;
  /** The payload 1.0 event built for the method's function. */
  event: APIGatewayProxyEvent;
  /** `arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}`. */
  methodArn: string;
  now: Date;
  /** Runs the authorizer's function locally; a string: it timed out. */
  invoke(fnKey: string, event: unknown): Promise<{ ok: boolean; result?: unknown; errorMessage?: string } | string>;
  note(message: string): void;
}

/** v1 sources are `method.request.header.X`; the config's are `$request.header.X`: both are read. */
const asV2Source = (s: string) => s.replace(/^method\.request\./, '$request.');

/** The route's authorization: a denial to answer, or what `requestContext.authorizer` gets. */
export async function authorizeRest(input: RestAuthorizeInput): Promise<RestVerdict> {
  const { auth, event } = input;
  if (!auth) return { ok: true };
  if (auth.type === 'iam') {
    input.note(IAM_NOTE);
    return { ok: true };
  }
  const a = authorizerOf(auth, input.authorizers);
  if (!a || a.type === 'iam') return { ok: true };
  const lower = Object.fromEntries(Object.entries(event.headers).map(([k, v]) => [k.toLowerCase(), v ?? '']));
  const query = new URLSearchParams(Object.entries(event.queryStringParameters ?? {}).map(([k, v]): [string, string] => [k, v ?? '']));
  const identity = identityValues(a.identitySource.map(asV2Source), lower, query);
  if (a.type === 'jwt') {
    input.note(JWT_SIGNATURE_NOTE);
    const check = checkJwt(identity?.[0], a, auth.type === 'jwt' ? auth.scopes : undefined, input.now);
    if (check.ok) return { ok: true, authorizer: { claims: stringClaims(check.claims) } };
    // A REST API's 401 has no www-authenticate: the reason goes to the access line instead.
    const why = check.response.headers['www-authenticate']?.[0]?.match(/error_description="([^"]*)"/)?.[1];
    return check.response.status === 401
      ? { ok: false, response: restResponses.unauthorized(), ...(why ? { note: why } : {}) }
      : { ok: false, response: check.response, note: "the token lacks the route's scopes" };
  }
  // A TOKEN authorizer (functionPayloadType 'TOKEN') gets the one header's value, a REQUEST one the request.
  const token = 'token' in a && a.token === true;
  if (!identity || (token && !identity[0]))
    return { ok: false, response: restResponses.unauthorized(), note: 'an identity source is missing' };
  const { body: _body, isBase64Encoded: _b64, ...request } = event;
  const authorizerEvent = token
    ? { type: 'TOKEN', authorizationToken: identity[0], methodArn: input.methodArn }
    : { type: 'REQUEST', methodArn: input.methodArn, ...request };
  const out = await input.invoke(a.function, authorizerEvent);
  if (typeof out === 'string') return { ok: false, response: restResponses.authorizerError(), note: out };
  // The authorizer's way to say 401: throw (Node) or raise (Python) 'Unauthorized'.
  if (!out.ok && out.errorMessage === 'Unauthorized') return { ok: false, response: restResponses.unauthorized() };
  if (!out.ok) return { ok: false, response: restResponses.authorizerError(), note: `authorizer failed: ${out.errorMessage}` };
  return restPolicyVerdict(out.result, input.methodArn);
}

/** A Cognito user pool authorizer hands the claims on as strings. */
function stringClaims(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}
