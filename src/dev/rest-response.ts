import type { DevResponse } from './response.js';

/** What a REST API (API Gateway v1) answers by itself, and how it reads a Lambda proxy response (pure). */

const json = (status: number, body: unknown, extra: Record<string, string[]> = {}): DevResponse => ({
  status,
  headers: { 'content-type': ['application/json'], ...extra },
  body: Buffer.from(JSON.stringify(body)),
});
const errorType = (t: string) => ({ 'x-amzn-errortype': [t] });

export const restResponses = {
  /** No resource and method for the request (a REST API's "not found"). */
  missingToken: () => json(403, { message: 'Missing Authentication Token' }, errorType('MissingAuthenticationTokenException')),
  /** Outside the stage, or a method that needs an API key called without a valid one. */
  forbidden: () => json(403, { message: 'Forbidden' }, errorType('ForbiddenException')),
  unauthorized: () => json(401, { message: 'Unauthorized' }, errorType('UnauthorizedException')),
  /** A Lambda authorizer's policy with a Deny on the method (explicit), or no Allow for it (implicit). */
  denied: (explicit: boolean) =>
    json(
      403,
      { message: `User is not authorized to access this resource${explicit ? ' with an explicit deny' : ''}` },
      errorType('AccessDeniedException'),
    ),
  /** A Lambda authorizer that failed or answered something API Gateway cannot read. */
  authorizerError: () => json(500, { message: null }, errorType('AuthorizerConfigurationException')),
  /** A function error or a malformed Lambda proxy response: 502 on a REST API (500 on an HTTP API). */
  badGateway: () => json(502, { message: 'Internal server error' }),
  timeout: () => json(504, { message: 'Endpoint request timed out' }),
  tooLarge: () => json(413, { message: 'Request Entity Too Large' }),
};

/** A REST API's integration timeout (29 s, where an HTTP API waits 30 s). */
export const REST_INTEGRATION_TIMEOUT_MS = 29_000;

type Mapped = { response: DevResponse } | { invalid: string };

const scalar = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readHeaders(r: Record<string, unknown>): Record<string, string[]> | string {
  const out: Record<string, string[]> = {};
  if (r.headers !== undefined && r.headers !== null) {
    if (!isObject(r.headers)) return 'headers must be an object of strings';
    for (const [name, raw] of Object.entries(r.headers)) {
      const value = scalar(raw);
      if (value === undefined) return `headers.${name} must be a string, number or boolean`;
      out[name.toLowerCase()] = [value];
    }
  }
  if (r.multiValueHeaders !== undefined && r.multiValueHeaders !== null) {
    if (!isObject(r.multiValueHeaders)) return 'multiValueHeaders must be an object of lists';
    // A name in both: only the multiValueHeaders values reach the client.
    for (const [name, raw] of Object.entries(r.multiValueHeaders)) {
      const values = Array.isArray(raw) ? raw.map(scalar) : [];
      if (!Array.isArray(raw) || values.some((v) => v === undefined)) return `multiValueHeaders.${name} must be a list of strings`;
      out[name.toLowerCase()] = values as string[];
    }
  }
  return out;
}

/**
 * A handler's result as a REST API's Lambda proxy integration reads it (payload 1.0): an object with
 * `statusCode`, optional `headers`, `multiValueHeaders`, `body` (a string) and `isBase64Encoded`.
 * There is no 2.0 shorthand: a bare string or an object without `statusCode` is a malformed proxy
 * response, which API Gateway answers with 502 `Internal server error`. Returns why then.
 */
export function mapRestResult(result: unknown): Mapped {
  if (!isObject(result))
    return {
      invalid: `malformed Lambda proxy response: a REST API needs { statusCode, body }, got ${Array.isArray(result) ? 'a list' : typeof result}`,
    };
  const status = typeof result.statusCode === 'string' && /^\d+$/.test(result.statusCode) ? Number(result.statusCode) : result.statusCode;
  if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599)
    return {
      invalid: `malformed Lambda proxy response: statusCode must be a whole number 100..599, got ${JSON.stringify(result.statusCode)}`,
    };
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string')
    return { invalid: `malformed Lambda proxy response: body must be a string (JSON.stringify it), got ${typeof result.body}` };
  const headers = readHeaders(result);
  if (typeof headers === 'string') return { invalid: `malformed Lambda proxy response: ${headers}` };
  // API Gateway answers JSON unless the function says otherwise.
  if (!headers['content-type']) headers['content-type'] = ['application/json'];
  const text = typeof result.body === 'string' ? result.body : '';
  const body = result.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text);
  return { response: { status: status as number, headers, body } };
}
