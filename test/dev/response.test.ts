import { describe, expect, it } from 'vitest';
import { corsPreflight, type DevResponse, gatewayResponses, mapResult, withCors } from '../../src/dev/response.js';

const ok = (result: unknown): DevResponse => {
  const mapped = mapResult(result);
  if ('invalid' in mapped) throw new Error(mapped.invalid);
  return mapped.response;
};
const text = (r: DevResponse) => r.body.toString('utf8');

describe('handler result → HTTP response (payload format 2.0)', () => {
  it('a structured result: status, headers, cookies as set-cookie, body', () => {
    const r = ok({
      statusCode: 201,
      headers: { 'Content-Type': 'text/plain', 'X-Count': 3 },
      cookies: ['a=1; Path=/', 'b=2'],
      body: 'made',
    });
    expect(r).toEqual({
      status: 201,
      headers: { 'content-type': ['text/plain'], 'x-count': ['3'], 'set-cookie': ['a=1; Path=/', 'b=2'] },
      body: Buffer.from('made'),
    });
  });

  it('isBase64Encoded bodies are decoded to bytes', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    expect(ok({ statusCode: 200, body: bytes.toString('base64'), isBase64Encoded: true }).body).toEqual(bytes);
  });

  it('no body is an empty body', () => {
    expect(ok({ statusCode: 204 })).toEqual({ status: 204, headers: {}, body: Buffer.alloc(0) });
  });

  it('the shorthand: a string is the body as is, other values are JSON, all 200 application/json', () => {
    expect(text(ok('Hello from Lambda!'))).toBe('Hello from Lambda!');
    const obj = ok({ message: 'hi', n: 1 });
    expect(obj.status).toBe(200);
    expect(obj.headers['content-type']).toEqual(['application/json']);
    expect(JSON.parse(text(obj))).toEqual({ message: 'hi', n: 1 });
    expect(text(ok([1, 2]))).toBe('[1,2]');
    expect(text(ok(42))).toBe('42');
    expect(text(ok(null))).toBe('');
  });

  it.each([
    [{ statusCode: '200', body: 'x' }, /statusCode/],
    [{ statusCode: 700 }, /statusCode/],
    [{ statusCode: 200, body: { a: 1 } }, /body must be a string/],
    [{ statusCode: 200, headers: { a: { b: 1 } } }, /headers\.a/],
    [{ statusCode: 200, cookies: 'a=1' }, /cookies/],
  ])('what API Gateway cannot map is a 500 with the reason: %j', (result, reason) => {
    const mapped = mapResult(result);
    expect('invalid' in mapped && mapped.invalid).toMatch(reason);
  });

  it("the gateway's own answers", () => {
    expect(
      [gatewayResponses.notFound(), gatewayResponses.functionError(), gatewayResponses.timeout()].map((r) => [r.status, text(r)]),
    ).toEqual([
      [404, '{"message":"Not Found"}'],
      [500, '{"message":"Internal Server Error"}'],
      [504, '{"message":"Endpoint request timed out"}'],
    ]);
  });
});

describe('CORS as configured on the API', () => {
  const cors = { allowOrigins: ['https://app.example.com'], allowMethods: ['GET', 'POST'], allowHeaders: ['content-type'], maxAge: 600 };

  it('answers a preflight for an allowed origin without the function', () => {
    const r = corsPreflight(cors, 'OPTIONS', { origin: 'https://app.example.com', 'access-control-request-method': 'POST' });
    expect(r).toMatchObject({
      status: 204,
      headers: {
        'access-control-allow-origin': ['https://app.example.com'],
        'access-control-allow-methods': ['GET,POST'],
        'access-control-allow-headers': ['content-type'],
        'access-control-max-age': ['600'],
      },
    });
    expect(corsPreflight(cors, 'OPTIONS', { origin: 'https://evil.example', 'access-control-request-method': 'POST' })?.headers).toEqual(
      {},
    );
    expect(corsPreflight(cors, 'OPTIONS', {})).toBeUndefined();
    expect(corsPreflight(undefined, 'OPTIONS', { origin: 'x', 'access-control-request-method': 'GET' })).toBeUndefined();
  });

  it("adds the allow-origin header to responses for an allowed origin, replacing the function's", () => {
    const r = withCors(
      { status: 200, headers: { 'access-control-allow-origin': ['*'] }, body: Buffer.alloc(0) },
      cors,
      'https://app.example.com',
    );
    expect(r.headers['access-control-allow-origin']).toEqual(['https://app.example.com']);
    const other = withCors({ status: 200, headers: {}, body: Buffer.alloc(0) }, cors, 'https://other.example');
    expect(other.headers).toEqual({});
  });
});
