import { describe, expect, it } from 'vitest';
import { parseRoute } from '../../src/config/resolve.js';
import { buildHttpEvent, type DevRequest, gatewayTime, isTextContentType, queryParameters } from '../../src/dev/event.js';
import { compileRoutes, matchRoute } from '../../src/dev/routes.js';

const routes = compileRoutes([
  { key: 'tasks-api', routes: ['GET /tasks/{id}', 'POST /tasks'].map(parseRoute) },
  { key: 'gateway', routes: ['ANY /api/{proxy+}'].map(parseRoute) },
]);
const ctx = {
  requestId: 'Xk2sQjM2oAMEVbQ=',
  now: new Date('2026-11-23T18:20:11.123Z'),
  accountId: '000000000000',
  apiId: 'local',
  domainName: '127.0.0.1:3000',
  port: 3000,
  traceId: 'Root=1-6742c0de-0b1c2d3e4f5a6b7c8d9e0f1a',
};
const request = (over: Partial<DevRequest>): DevRequest => ({
  method: 'GET',
  url: '/',
  rawHeaders: ['Host', '127.0.0.1:3000', 'User-Agent', 'curl/8.5.0'],
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  httpVersion: '1.1',
  ...over,
});
const event = (over: Partial<DevRequest>) => {
  const req = request(over);
  const match = matchRoute(routes, req.method, req.url.split('?')[0])!;
  return buildHttpEvent(req, match, ctx);
};

describe('payload format 2.0 events', () => {
  it('a GET with path variable, repeated query and headers, cookies', () => {
    const e = event({
      url: '/tasks/a%20b?limit=5&tag=x&tag=y&flag&q=a+b%26c',
      rawHeaders: [
        'Host',
        '127.0.0.1:3000',
        'User-Agent',
        'curl/8.5.0',
        'X-Tag',
        'one',
        'x-tag',
        'two',
        'Cookie',
        'a=1; b=2',
        'Cookie',
        'c=3',
      ],
    });
    expect(e).toEqual({
      version: '2.0',
      routeKey: 'GET /tasks/{id}',
      rawPath: '/tasks/a%20b',
      rawQueryString: 'limit=5&tag=x&tag=y&flag&q=a+b%26c',
      cookies: ['a=1', 'b=2', 'c=3'],
      headers: {
        host: '127.0.0.1:3000',
        'user-agent': 'curl/8.5.0',
        'x-tag': 'one,two',
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-port': '3000',
        'x-forwarded-proto': 'http',
        'x-amzn-trace-id': ctx.traceId,
      },
      queryStringParameters: { limit: '5', tag: 'x,y', flag: '', q: 'a b&c' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: '127.0.0.1:3000',
        domainPrefix: '127',
        http: { method: 'GET', path: '/tasks/a%20b', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0' },
        requestId: 'Xk2sQjM2oAMEVbQ=',
        routeKey: 'GET /tasks/{id}',
        stage: '$default',
        time: '23/Nov/2026:18:20:11 +0000',
        timeEpoch: 1795458011123,
      },
      pathParameters: { id: 'a b' },
      isBase64Encoded: false,
    });
  });

  it('no query, no cookies, no body, no path variables: those keys are absent', () => {
    const e = event({ method: 'POST', url: '/tasks' });
    expect(e).not.toHaveProperty('queryStringParameters');
    expect(e).not.toHaveProperty('cookies');
    expect(e).not.toHaveProperty('body');
    expect(e).not.toHaveProperty('pathParameters');
    expect(e.isBase64Encoded).toBe(false);
  });

  it('a JSON body is text; binary, form and untyped bodies are base64', () => {
    const json = event({ method: 'POST', url: '/tasks', rawHeaders: ['Content-Type', 'application/json'], body: Buffer.from('{"a":1}') });
    expect(json).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const bin = event({ method: 'POST', url: '/api/upload', rawHeaders: ['Content-Type', 'image/png'], body: png });
    expect(bin).toMatchObject({ body: png.toString('base64'), isBase64Encoded: true, pathParameters: { proxy: 'upload' } });
    const form = event({
      method: 'POST',
      url: '/tasks',
      rawHeaders: ['Content-Type', 'application/x-www-form-urlencoded'],
      body: Buffer.from('a=1'),
    });
    expect(form).toMatchObject({ body: 'YT0x', isBase64Encoded: true });
  });

  it('x-forwarded-for keeps what a proxy in front said', () => {
    expect(event({ url: '/api/x', rawHeaders: ['X-Forwarded-For', '203.0.113.10'] }).headers['x-forwarded-for']).toBe(
      '203.0.113.10, 127.0.0.1',
    );
  });

  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['application/vnd.api+json', true],
    ['application/problem+xml', true],
    ['text/plain', true],
    ['text/csv; charset=utf-8', true],
    ['application/octet-stream', false],
    ['multipart/form-data; boundary=x', false],
    ['application/x-www-form-urlencoded', false],
    [undefined, false],
  ])('content type %s is text: %s', (type, text) => {
    expect(isTextContentType(type)).toBe(text);
  });

  it('query parsing and the gateway time format', () => {
    expect(queryParameters('')).toBeUndefined();
    expect(queryParameters('&&')).toBeUndefined();
    expect(queryParameters('a=%E2%9C%93&a=%zz')).toEqual({ a: '✓,%zz' });
    expect(gatewayTime(new Date('2027-01-05T03:04:05Z'))).toBe('05/Jan/2027:03:04:05 +0000');
  });
});
