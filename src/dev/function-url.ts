import type { LambdaFunctionURLEvent } from 'aws-lambda';
import type { FunctionUrlCors, FunctionUrlSpec } from '../config/resolve-function-url.js';
import type { CorsSpec, FunctionSpec } from '../config/types.js';
import { type DevRequest, type EventContext, gatewayHeaders, gatewayTime, isTextContentType, queryParameters } from './event.js';

/**
 * `ops dev` serves each function that has a `url` under its own path prefix of the one server,
 * `/_url/<function>/…`, as Lambda serves the URL: the prefix is taken off (`/_url/web/a?x=1` arrives
 * as rawPath `/a`), every method and path reaches the function, and the event is a Function URL's
 * (payload 2.0, routeKey `$default`, the URL's domain). No SigV4 check is made locally: an AWS_IAM
 * URL's event carries a placeholder `authorizer.iam`.
 */
export const FUNCTION_URL_PREFIX = '/_url/';

/** The function (key) and the path under its URL, when `url` is under a served function's prefix. */
export function matchFunctionUrl(url: string, served: ReadonlySet<string>): { fn: string; rawPath: string } | undefined {
  if (!url.startsWith(FUNCTION_URL_PREFIX)) return undefined;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const rest = path.slice(FUNCTION_URL_PREFIX.length);
  const slash = rest.indexOf('/');
  const fn = slash < 0 ? rest : rest.slice(0, slash);
  if (!served.has(fn)) return undefined;
  return { fn, rawPath: slash < 0 ? '/' : rest.slice(slash) };
}

/** The local address of a function's URL (`http://127.0.0.1:3000/_url/web/`). */
export const localFunctionUrl = (baseUrl: string, fn: Pick<FunctionSpec, 'key'>) => `${baseUrl}${FUNCTION_URL_PREFIX}${fn.key}/`;

/** A Function URL's CORS in the shape the dev server's CORS handling takes. */
export function devCors(cors: FunctionUrlCors | undefined): CorsSpec | undefined {
  if (!cors) return undefined;
  return {
    allowOrigins: cors.AllowOrigins,
    allowMethods: cors.AllowMethods,
    allowHeaders: cors.AllowHeaders,
    exposeHeaders: cors.ExposeHeaders,
    maxAge: cors.MaxAge,
    allowCredentials: cors.AllowCredentials,
  };
}

/** What Lambda's URL endpoint knows: the URL id stands in for the API id, the region names the domain. */
export interface UrlEventContext extends Omit<EventContext, 'apiId' | 'domainName' | 'port'> {
  urlId: string;
  region: string;
}

/** The event Lambda sends a function through its URL (payload format 2.0). */
export function buildFunctionUrlEvent(
  req: DevRequest,
  target: { rawPath: string; auth: FunctionUrlSpec['auth'] },
  ctx: UrlEventContext,
): LambdaFunctionURLEvent {
  const q = req.url.indexOf('?');
  const rawQueryString = q < 0 ? '' : req.url.slice(q + 1);
  const { headers, cookies } = gatewayHeaders(req.rawHeaders);
  const domainName = `${ctx.urlId}.lambda-url.${ctx.region}.on.aws`;
  // What Lambda's URL front end adds: the client's address, HTTPS on 443, the trace, its own Host.
  headers.host = domainName;
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${req.sourceIp}` : req.sourceIp;
  headers['x-forwarded-port'] = '443';
  headers['x-forwarded-proto'] = 'https';
  headers['x-amzn-trace-id'] = ctx.traceId;
  const text = isTextContentType(headers['content-type']);
  const queryStringParameters = queryParameters(rawQueryString);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: target.rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: target.auth === 'NONE' ? 'anonymous' : ctx.accountId,
      apiId: ctx.urlId,
      ...(target.auth === 'AWS_IAM' ? { authorizer: { iam: localIam(ctx.accountId) } } : {}),
      domainName,
      domainPrefix: ctx.urlId,
      http: {
        method: req.method.toUpperCase(),
        path: target.rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: ctx.requestId,
      routeKey: '$default',
      stage: '$default',
      time: gatewayTime(ctx.now),
      timeEpoch: ctx.now.getTime(),
    },
    ...(req.body.length ? { body: text ? req.body.toString('utf8') : req.body.toString('base64') } : {}),
    isBase64Encoded: req.body.length > 0 && !text,
  } as LambdaFunctionURLEvent;
}

// The caller Lambda would have authenticated; locally nobody signs, so it is a stand-in.
const localIam = (accountId: string) => ({
  accessKey: 'ASIALOCALOPSDEV00000',
  accountId,
  callerId: 'AROALOCALOPSDEV00000:ops-dev',
  cognitoIdentity: null,
  principalOrgId: null,
  userArn: `arn:aws:sts::${accountId}:assumed-role/ops-dev/ops-dev`,
  userId: 'AROALOCALOPSDEV00000:ops-dev',
});
