import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { RouteMatch } from './routes.js';

/** An HTTP request as the dev server received it. */
export interface DevRequest {
  method: string;
  /** The request target: path and query, still percent-encoded (`/tasks/a%20b?x=1`). */
  url: string;
  /** Node's `rawHeaders`: names and values alternating, repeats kept, original case. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  /** `1.1` */
  httpVersion: string;
}

/** What API Gateway knows and the request does not. */
export interface EventContext {
  requestId: string;
  now: Date;
  accountId: string;
  apiId: string;
  /** The Host the client used (`127.0.0.1:3000`). */
  domainName: string;
  /** The server's port, for `x-forwarded-port`. */
  port: number;
  /** For `x-amzn-trace-id`. */
  traceId: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `23/Nov/2026:18:20:11 +0000`, API Gateway's `requestContext.time`. */
export function gatewayTime(d: Date): string {
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/**
 * Whether API Gateway passes a body of this content type as text. Anything else (images, octet
 * streams, form posts, a body without a content type) arrives base64-encoded with `isBase64Encoded`.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    /^application\/([\w.-]+\+)?(json|xml)$/.test(type) ||
    type === 'application/javascript' ||
    type === 'application/graphql'
  );
}

function decodeQueryPart(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** `a=1&a=2&b` → `{ a: '1,2', b: '' }`; undefined when there is no query, as in API Gateway's event. */
export function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const out: Record<string, string> = {};
  for (const pair of rawQueryString.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeQueryPart(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeQueryPart(pair.slice(eq + 1));
    if (name === '') continue;
    out[name] = name in out ? `${out[name]},${value}` : value;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Lower-cased names, repeats joined with commas; the cookies apart, split into a list. */
export function gatewayHeaders(rawHeaders: string[]): { headers: Record<string, string>; cookies?: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1];
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return cookies.length ? { headers, cookies } : { headers };
}

/** The payload format 2.0 event API Gateway (HTTP API) sends the route's function. */
export function buildHttpEvent(req: DevRequest, match: RouteMatch, ctx: EventContext): APIGatewayProxyEventV2 {
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const rawQueryString = q < 0 ? '' : req.url.slice(q + 1);
  const { headers, cookies } = gatewayHeaders(req.rawHeaders);
  // What API Gateway adds in front of the function.
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${req.sourceIp}` : req.sourceIp;
  headers['x-forwarded-port'] = String(ctx.port);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] = ctx.traceId;
  const text = isTextContentType(headers['content-type']);
  const queryStringParameters = queryParameters(rawQueryString);
  const routeKey = match.route.key;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: ctx.accountId,
      apiId: ctx.apiId,
      domainName: ctx.domainName,
      domainPrefix: ctx.domainName.split('.')[0].split(':')[0],
      http: {
        method: req.method.toUpperCase(),
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: ctx.requestId,
      routeKey,
      stage: '$default',
      time: gatewayTime(ctx.now),
      timeEpoch: ctx.now.getTime(),
    },
    ...(match.pathParameters ? { pathParameters: match.pathParameters } : {}),
    ...(req.body.length ? { body: text ? req.body.toString('utf8') : req.body.toString('base64') } : {}),
    isBase64Encoded: req.body.length > 0 && !text,
  };
}
