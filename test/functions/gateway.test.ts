import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadEvent, useTestEnv } from './support/helpers.js';

const setEnv = useTestEnv();
type Handler = typeof import('../../src/functions/gateway/handler.js').handler;
let handler: Handler;

beforeEach(async () => {
  vi.resetModules(); // a fresh module is a fresh cold start
  ({ handler } = await import('../../src/functions/gateway/handler.js'));
});

const event = (name: string) => loadEvent<APIGatewayProxyEventV2>('gateway', name);
const body = (res: { body: string }) => JSON.parse(res.body);

describe('gateway', () => {
  it('GET /api/health reports function, version, region and the cold start once', async () => {
    setEnv({ AWS_LAMBDA_FUNCTION_NAME: 'tasks-dev-gateway', AWS_LAMBDA_FUNCTION_VERSION: '7', AWS_REGION: 'eu-west-1' });
    const first = await handler(event('health'));
    expect(first.statusCode).toBe(200);
    expect(first.headers?.['content-type']).toMatch(/^application\/json/);
    expect(body(first)).toMatchObject({ status: 'ok', function: 'tasks-dev-gateway', version: '7', region: 'eu-west-1', coldStart: true });
    expect(body(await handler(event('health'))).coldStart).toBe(false);
  });

  it('GET /api/echo echoes the query and only safe headers', async () => {
    const e = event('echo-query');
    e.headers = { ...e.headers, authorization: 'Bearer secret', cookie: 'session=1' };
    const res = await handler(e);
    expect(res.statusCode).toBe(200);
    const out = body(res);
    expect(out.query).toEqual({ x: '42', name: 'ops' });
    expect(out.headers).toMatchObject({ 'user-agent': 'curl/8.5.0', 'x-request-id': 'req-7f3a' });
    expect(out.headers).not.toHaveProperty('authorization');
    expect(out.headers).not.toHaveProperty('cookie');
    expect(out).toMatchObject({ method: 'GET', path: '/api/echo', requestId: 'Xk2sQjM2oAMEVbQ=', sourceIp: '203.0.113.10' });
  });

  it('POST /api/echo echoes the JSON body, plain or base64', async () => {
    expect(body(await handler(event('echo-body')))).toEqual({ body: { hello: 'world', n: 3 }, bytes: 26, base64: false });
    const b64 = await handler(event('echo-body-base64'));
    expect(b64.statusCode).toBe(200);
    expect(body(b64)).toMatchObject({ body: { city: 'Charlotte', budget: 300 }, base64: true });
  });

  it('POST /api/echo with a body that is not JSON is a 400', async () => {
    const res = await handler({ ...event('echo-body'), body: 'not json' });
    expect(res.statusCode).toBe(400);
    expect(body(res)).toEqual({ error: 'request body is not valid JSON' });
    expect((await handler({ ...event('echo-body'), body: undefined })).statusCode).toBe(400);
  });

  it('unknown paths are 404, a wrong method on a known path is 405 with allow', async () => {
    const missing = await handler(event('not-found'));
    expect(missing.statusCode).toBe(404);
    expect(body(missing)).toEqual({ error: 'not found: /api/nope' });
    const wrong = await handler(event('wrong-method'));
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers?.allow).toBe('GET');
    expect(body(wrong)).toMatchObject({ allow: ['GET'] });
    const put = await handler({
      ...event('echo-body'),
      requestContext: { ...event('echo-body').requestContext, http: { ...event('echo-body').requestContext.http, method: 'PUT' } },
    });
    expect(put.headers?.allow).toBe('GET, POST');
  });

  it('routes on rawPath when there are no path parameters (a $default route, a named stage)', async () => {
    const e = event('health');
    const res = await handler({ ...e, routeKey: '$default', rawPath: '/prod/api/health/', pathParameters: undefined });
    expect(res.statusCode).toBe(200);
  });
});
