import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type DevRequest, gatewayTime } from './event.js';
import type { RestMatch } from './rest-routes.js';

/** What API Gateway (REST) knows and the request does not. */
export interface RestEventContext {
  /** requestContext.requestId: a UUID on a REST API. */
  requestId: string;
  /** requestContext.extendedRequestId (`Xk2sQjM2oAMEVbQ=`). */
  extendedRequestId: string;
  now: Date;
  accountId: string;
  apiId: string;
  stage: string;
  stageVariables?: Record<string, string>;
  /** The Host the client used (`127.0.0.1:3000`). */
  domainName: string;
  port: number;
  traceId: string;
  /** The `x-api-key` the request carried, when its method needs one (requestContext.identity.apiKey). */
  apiKey?: string;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** `a=1&a=2&b` → `{ a: ['1', '2'], b: [''] }`; null when there is no query, as in a REST API's event. */
export function multiValueQuery(rawQueryString: string): Record<string, string[]> | null {
  const out: Record<string, string[]> = {};
  for (const pair of rawQueryString.split('&')) {
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (name === '') continue;
    out[name] = [...(out[name] ?? []), eq < 0 ? '' : decode(pair.slice(eq + 1))];
  }
  return Object.keys(out).length ? out : null;
}

/**
 * Headers as a REST API passes them: names in the case the client sent, `headers` holding the last
 * value of a repeated header and `multiValueHeaders` every value (cookies included: v1 does not split them).
 */
export function restHeaders(rawHeaders: string[]): { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> } {
  const multiValueHeaders: Record<string, string[]> = {};
  const nameOf = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const lower = rawHeaders[i].toLowerCase();
    const name = nameOf.get(lower) ?? rawHeaders[i];
    nameOf.set(lower, name);
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), rawHeaders[i + 1]];
  }
  const headers = Object.fromEntries(Object.entries(multiValueHeaders).map(([k, v]) => [k, v[v.length - 1]]));
  return { headers, multiValueHeaders };
}

/** A header by name whatever its case. */
export const headerOf = (headers: Record<string, string>, name: string): string | undefined =>
  Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

const IDENTITY_NULLS = {
  cognitoIdentityPoolId: null,
  accountId: null,
  cognitoIdentityId: null,
  caller: null,
  principalOrgId: null,
  accessKey: null,
  cognitoAuthenticationType: null,
  cognitoAuthenticationProvider: null,
  userArn: null,
  user: null,
  clientCert: null,
};

/**
 * The payload format 1.0 event a REST API's Lambda proxy integration sends (`resourcePath` the
 * matched template, `path` without the stage, `requestContext.path` with it). No binary media types
 * are configured on ops's REST APIs, so a body always arrives as text (`isBase64Encoded` false).
 */
export function buildRestEvent(req: DevRequest, resourcePath: string, match: RestMatch, ctx: RestEventContext): APIGatewayProxyEvent {
  const q = req.url.indexOf('?');
  const rawQuery = q < 0 ? '' : req.url.slice(q + 1);
  const { headers, multiValueHeaders } = restHeaders(req.rawHeaders);
  // What API Gateway adds in front of the function.
  const forwarded = headerOf(headers, 'x-forwarded-for');
  const added: Record<string, string> = {
    'X-Forwarded-For': forwarded ? `${forwarded}, ${req.sourceIp}` : req.sourceIp,
    'X-Forwarded-Port': String(ctx.port),
    'X-Forwarded-Proto': 'http',
    'X-Amzn-Trace-Id': ctx.traceId,
  };
  for (const [name, value] of Object.entries(added)) {
    for (const k of Object.keys(headers).filter((h) => h.toLowerCase() === name.toLowerCase())) {
      delete headers[k];
      delete multiValueHeaders[k];
    }
    headers[name] = value;
    multiValueHeaders[name] = [value];
  }
  const multiQuery = multiValueQuery(rawQuery);
  const resource = match.route.key.slice(match.route.key.indexOf(' ') + 1);
  const method = req.method.toUpperCase();
  return {
    resource,
    path: resourcePath,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: multiQuery ? Object.fromEntries(Object.entries(multiQuery).map(([k, v]) => [k, v[v.length - 1]])) : null,
    multiValueQueryStringParameters: multiQuery,
    pathParameters: match.pathParameters ?? null,
    stageVariables: ctx.stageVariables && Object.keys(ctx.stageVariables).length ? { ...ctx.stageVariables } : null,
    requestContext: {
      accountId: ctx.accountId,
      apiId: ctx.apiId,
      // Set by an authorizer only (absent from the JSON otherwise, as in API Gateway's event).
      authorizer: undefined,
      domainName: ctx.domainName,
      domainPrefix: ctx.domainName.split('.')[0].split(':')[0],
      extendedRequestId: ctx.extendedRequestId,
      httpMethod: method,
      identity: {
        ...IDENTITY_NULLS,
        apiKey: ctx.apiKey ?? null,
        apiKeyId: ctx.apiKey ? 'local' : null,
        sourceIp: req.sourceIp,
        userAgent: headerOf(headers, 'user-agent') ?? null,
      },
      path: `/${ctx.stage}${resourcePath}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: ctx.requestId,
      requestTime: gatewayTime(ctx.now),
      requestTimeEpoch: ctx.now.getTime(),
      resourceId: 'local',
      resourcePath: resource,
      stage: ctx.stage,
    },
    body: req.body.length ? req.body.toString('utf8') : null,
    isBase64Encoded: false,
  };
}
