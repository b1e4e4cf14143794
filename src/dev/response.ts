import type { CorsSpec } from '../config/types.js';

/** An HTTP response to write: header values as lists so `set-cookie` can repeat. */
export interface DevResponse {
  status: number;
  headers: Record<string, string[]>;
  body: Buffer;
}

const json = (status: number, message: string): DevResponse => ({
  status,
  headers: { 'content-type': ['application/json'] },
  body: Buffer.from(JSON.stringify({ message })),
});

/**
 * API Gateway's own answers (HTTP API). A function error or a result it cannot map is a 500 there
 * (REST APIs say 502); a handler past its timeout is a 504 here, as `ops dev` promises, where a real
 * HTTP API answers a function that ran out of time like any function error.
 */
export const gatewayResponses = {
  notFound: () => json(404, 'Not Found'),
  functionError: () => json(500, 'Internal Server Error'),
  timeout: () => json(504, 'Endpoint request timed out'),
  tooLarge: () => json(413, 'Request Entity Too Large'),
};

/** An HTTP API's payload limit. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

type Mapped = { response: DevResponse } | { invalid: string };

function headerValue(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/**
 * Maps a handler's result to the HTTP response API Gateway would send (payload format 2.0). An
 * object with `statusCode` is a response (`headers`, `cookies` → `set-cookie`, `body`,
 * `isBase64Encoded`); anything else is a 200 `application/json` whose body is the result: a string
 * as is, other values as JSON. Returns why when API Gateway would answer 500 instead.
 */
export function mapResult(result: unknown): Mapped {
  const isObject = typeof result === 'object' && result !== null && !Array.isArray(result);
  if (!isObject || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : result === null || result === undefined ? '' : JSON.stringify(result);
    return { response: { status: 200, headers: { 'content-type': ['application/json'] }, body: Buffer.from(body) } };
  }
  const r = result as Record<string, unknown>;
  const status = r.statusCode;
  if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) {
    return { invalid: `statusCode must be a whole number 100..599, got ${JSON.stringify(status)}` };
  }
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') {
    return { invalid: `body must be a string (JSON.stringify it), got ${Array.isArray(r.body) ? 'an array' : typeof r.body}` };
  }
  const headers: Record<string, string[]> = {};
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object' || Array.isArray(r.headers)) return { invalid: 'headers must be an object of strings' };
    for (const [name, raw] of Object.entries(r.headers)) {
      const value = headerValue(raw);
      if (value === undefined) return { invalid: `headers.${name} must be a string, number or boolean` };
      headers[name.toLowerCase()] = [value];
    }
  }
  if (r.cookies !== undefined && r.cookies !== null) {
    if (!Array.isArray(r.cookies) || !r.cookies.every((c) => typeof c === 'string'))
      return { invalid: 'cookies must be a list of strings' };
    headers['set-cookie'] = [...(headers['set-cookie'] ?? []), ...r.cookies];
  }
  const text = typeof r.body === 'string' ? r.body : '';
  const body = r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text);
  return { response: { status: status as number, headers, body } };
}

const list = (values: string[] | undefined) => (values ?? []).join(',');

function allowedOrigin(cors: CorsSpec, origin: string): string | undefined {
  const origins = cors.allowOrigins ?? [];
  if (origins.includes('*')) return cors.allowCredentials ? origin : '*';
  return origins.find((o) => o.toLowerCase() === origin.toLowerCase());
}

/**
 * The API's CORS configuration applied as API Gateway applies it: a preflight (`OPTIONS` with
 * `Origin` and `Access-Control-Request-Method`) is answered without calling a function, and other
 * responses to an allowed origin get the `access-control-*` headers (replacing the function's).
 */
export function corsPreflight(cors: CorsSpec | undefined, method: string, headers: Record<string, string>): DevResponse | undefined {
  if (!cors || method !== 'OPTIONS' || !headers.origin || !headers['access-control-request-method']) return undefined;
  const origin = allowedOrigin(cors, headers.origin);
  const out: Record<string, string[]> = {};
  if (origin) {
    out['access-control-allow-origin'] = [origin];
    if (cors.allowMethods?.length) out['access-control-allow-methods'] = [list(cors.allowMethods)];
    if (cors.allowHeaders?.length) out['access-control-allow-headers'] = [list(cors.allowHeaders)];
    if (cors.maxAge !== undefined) out['access-control-max-age'] = [String(cors.maxAge)];
    if (cors.allowCredentials) out['access-control-allow-credentials'] = ['true'];
  }
  return { status: 204, headers: out, body: Buffer.alloc(0) };
}

export function withCors(response: DevResponse, cors: CorsSpec | undefined, origin: string | undefined): DevResponse {
  if (!cors || !origin) return response;
  const allowed = allowedOrigin(cors, origin);
  if (!allowed) return response;
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !name.startsWith('access-control-')));
  headers['access-control-allow-origin'] = [allowed];
  if (cors.exposeHeaders?.length) headers['access-control-expose-headers'] = [list(cors.exposeHeaders)];
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = ['true'];
  return { ...response, headers };
}
