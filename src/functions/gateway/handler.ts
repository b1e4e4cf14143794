import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bodyText, errorJson, HttpError, type HttpResult, json, jsonBody, methodOf } from '../_shared/http.js';

/**
 * A small service behind `ANY /api/{proxy+}` (seed 001's FaaS services), routing on the proxy path:
 *   GET  /api/health  status, function version, region, cold start
 *   GET  /api/echo    the query string and a safe subset of headers
 *   POST /api/echo    the JSON body (base64 bodies decoded)
 * Unknown paths are 404, a known path with another method 405 with `allow`.
 */

type Route = (event: APIGatewayProxyEventV2, invocation: { coldStart: boolean }) => HttpResult;

const ROUTES: Record<string, Partial<Record<string, Route>>> = {
  health: { GET: health },
  echo: { GET: echoQuery, POST: echoBody },
};

/** Request headers echoed back; anything carrying credentials is left out. */
export const ECHOED_HEADERS = ['accept', 'content-type', 'user-agent', 'x-request-id', 'x-forwarded-for', 'host'];

const startedAt = Date.now();
let coldStart = true;

export async function handler(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const wasCold = coldStart;
  coldStart = false;
  const path = proxyPath(event);
  const method = methodOf(event);
  const byMethod = ROUTES[path];
  try {
    if (!byMethod) return errorJson(404, `not found: /api/${path}`);
    const route = method === 'HEAD' ? byMethod.GET : byMethod[method];
    if (!route) {
      const res = errorJson(405, `method ${method} not allowed on /api/${path}`, { allow: Object.keys(byMethod) });
      return { ...res, headers: { ...res.headers, allow: Object.keys(byMethod).join(', ') } };
    }
    return route(event, { coldStart: wasCold });
  } catch (err) {
    if (err instanceof HttpError) return errorJson(err.statusCode, err.message);
    console.error('gateway: unhandled error', err);
    return errorJson(500, 'internal error', { requestId: event.requestContext?.requestId });
  }
}

/** The path under /api/, without slashes at either end (`health`, `echo`). */
export function proxyPath(event: APIGatewayProxyEventV2): string {
  const proxy = event.pathParameters?.proxy ?? (event.rawPath ?? '').replace(/^(?:\/[^/]+)?\/api\/?/, '');
  return proxy.replace(/^\/+|\/+$/g, '');
}

function health(_event: APIGatewayProxyEventV2, { coldStart }: { coldStart: boolean }): HttpResult {
  return json(200, {
    status: 'ok',
    function: process.env.AWS_LAMBDA_FUNCTION_NAME ?? null,
    version: process.env.AWS_LAMBDA_FUNCTION_VERSION ?? null,
    region: process.env.AWS_REGION ?? null,
    coldStart,
    uptimeMs: Date.now() - startedAt,
  });
}

function echoQuery(event: APIGatewayProxyEventV2): HttpResult {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) {
    if (v !== undefined && ECHOED_HEADERS.includes(k.toLowerCase())) headers[k.toLowerCase()] = v;
  }
  return json(200, {
    method: methodOf(event),
    path: event.rawPath,
    query: event.queryStringParameters ?? {},
    headers,
    requestId: event.requestContext?.requestId ?? null,
    sourceIp: event.requestContext?.http?.sourceIp ?? null,
  });
}

function echoBody(event: APIGatewayProxyEventV2): HttpResult {
  const body = jsonBody(event);
  return json(200, { body, bytes: Buffer.byteLength(bodyText(event)), base64: Boolean(event.isBase64Encoded) });
}
