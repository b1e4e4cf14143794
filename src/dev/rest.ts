import { randomUUID } from 'node:crypto';
import type { ApiSpec, FunctionSpec } from '../config/types.js';
import type { LocalInvokeResult } from '../invoke/local/index.js';
import type { DevRequest } from './event.js';
import type { DevResponse } from './response.js';
import { type ApiKeyPolicy, apiKeyNote, authorizeRest, checkApiKey } from './rest-auth.js';
import { buildRestEvent, restHeaders } from './rest-event.js';
import { mapRestResult, restResponses } from './rest-response.js';
import { compileRestRoutes, matchRestRoute, type RestRoute, underStage } from './rest-routes.js';

/**
 * One REST API (API Gateway v1, `api.type: 'rest'`) served by `ops dev`: under its stage, as the invoke
 * URL has it (`/prod/tasks`), with v1's precedence, CORS preflights, authorizers and API keys checked
 * locally, payload 1.0 events and v1's reading of the function's answer. A function of one ApiSpec and
 * its functions, so a fleet with several APIs can serve each.
 */

export type Invoke = (fnKey: string, event: unknown) => Promise<LocalInvokeResult | 'integration-timeout'>;

export interface RestDevApiOptions {
  api: ApiSpec;
  /** The functions serving the API's routes (and its Lambda authorizers). */
  fns: Pick<FunctionSpec, 'key' | 'routes'>[];
  region: string;
  accountId: string;
  port: number;
  /** `OPS_DEV_API_KEY`, when set, is the one API key accepted. */
  env: NodeJS.ProcessEnv;
  invoke: Invoke;
  /** Said once per message (the dev server dedupes). */
  warn(message: string): void;
}

/** Filled in for the access line. */
export interface RestRecord {
  fn?: string;
  note?: string;
}

export interface RestDevApi {
  stage: string;
  /** The function routes, most specific first (the preflights apart). */
  routes: RestRoute[];
  /** For the banner: what ops dev chose where a local server cannot be the real thing. */
  notes: string[];
  answer(req: DevRequest, extendedRequestId: string, record: RestRecord): Promise<DevResponse>;
}

export function restDevApi(opts: RestDevApiOptions): RestDevApi {
  const { api } = opts;
  const stage = api.stage ?? 'prod';
  const all = compileRestRoutes(api, opts.fns);
  const keys: ApiKeyPolicy = opts.env.OPS_DEV_API_KEY ? { value: opts.env.OPS_DEV_API_KEY } : {};
  const notes = [
    `REST API (payload 1.0 events), stage ${stage}: served under /${stage}/ as its invoke URL is; a path without the stage answers 403 as API Gateway does`,
    ...(all.some((r) => r.apiKey) ? [apiKeyNote(keys)] : []),
  ];

  async function answer(req: DevRequest, extendedRequestId: string, record: RestRecord): Promise<DevResponse> {
    const requestId = randomUUID();
    const response = await respond(req, { requestId, extendedRequestId }, record);
    // A REST API's request id headers: the same id the function saw in requestContext.requestId.
    return { ...response, headers: { ...response.headers, 'x-amzn-requestid': [requestId], 'x-amz-apigw-id': [extendedRequestId] } };
  }

  async function respond(req: DevRequest, ids: { requestId: string; extendedRequestId: string }, record: RestRecord): Promise<DevResponse> {
    const q = req.url.indexOf('?');
    const rawPath = q < 0 ? req.url : req.url.slice(0, q);
    const resourcePath = underStage(stage, rawPath);
    if (resourcePath === undefined) {
      record.note = `the REST API's URL has its stage: /${stage}${rawPath}`;
      return restResponses.forbidden();
    }
    const match = matchRestRoute(all, req.method, resourcePath);
    if (!match) return restResponses.missingToken();
    const route = match.route;
    if (route.cors)
      return { status: 200, headers: { 'content-type': ['application/json'], ...asLists(route.cors) }, body: Buffer.alloc(0) };
    const now = new Date();
    const key = route.apiKey ? checkApiKey(restHeaders(req.rawHeaders).headers, keys) : undefined;
    const domainName = headerHost(req) ?? `127.0.0.1:${opts.port}`;
    const event = buildRestEvent(req, resourcePath, match, {
      ...ids,
      now,
      accountId: opts.accountId,
      apiId: 'local',
      stage,
      stageVariables: api.stageVariables,
      domainName,
      port: opts.port,
      traceId: `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      ...(key ? { apiKey: key } : {}),
    });
    const methodArn = `arn:aws:execute-api:${opts.region}:${opts.accountId}:local/${stage}/${event.httpMethod}${resourcePath}`;
    // Authorization comes before the API key check, as in API Gateway's execution log.
    const verdict = await authorizeRest({
      auth: route.auth,
      authorizers: api.authorizers,
      event,
      methodArn,
      now,
      invoke: authorizerInvoke(opts.invoke),
      note: opts.warn,
    });
    if (!verdict.ok) {
      if (verdict.note) record.note = verdict.note;
      return verdict.response;
    }
    if (route.apiKey && !key) {
      record.note = keys.value ? 'x-api-key missing or not OPS_DEV_API_KEY' : 'no x-api-key';
      return restResponses.forbidden();
    }
    if (verdict.authorizer) event.requestContext.authorizer = verdict.authorizer;
    record.fn = route.fn;
    return toResponse(await opts.invoke(route.fn, event), record);
  }

  return { stage, routes: all.filter((r) => !r.cors), notes, answer };
}

const asLists = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]]));

function headerHost(req: DevRequest): string | undefined {
  const i = req.rawHeaders.findIndex((h, j) => j % 2 === 0 && h.toLowerCase() === 'host');
  return i < 0 ? undefined : req.rawHeaders[i + 1];
}

function authorizerInvoke(invoke: Invoke) {
  return async (fnKey: string, event: unknown) => {
    const out = await invoke(fnKey, event);
    if (out === 'integration-timeout' || out.timedOut) return 'the authorizer timed out';
    return { ok: out.ok, result: out.result, errorMessage: out.error?.errorMessage };
  };
}

function toResponse(result: LocalInvokeResult | 'integration-timeout', record: RestRecord): DevResponse {
  if (result === 'integration-timeout' || result.timedOut) {
    record.note = result === 'integration-timeout' ? "no answer within a REST API's 29s integration timeout" : result.error?.errorMessage;
    return restResponses.timeout();
  }
  if (!result.ok) {
    record.note = `${result.error?.errorType}: ${result.error?.errorMessage}`;
    return restResponses.badGateway();
  }
  const mapped = mapRestResult(result.result);
  if ('invalid' in mapped) {
    record.note = mapped.invalid;
    return restResponses.badGateway();
  }
  return mapped.response;
}
