import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/config/load.js';
import { matchFunctionUrl } from '../../src/dev/function-url.js';
import { type AccessRecord, type DevServer, startDevServer } from '../../src/dev/server.js';
import { tempFleet } from '../invoke/remote-helpers.js';

const ECHO = 'export const handler = async (event: any) => ({ statusCode: 200, body: JSON.stringify(event) });\n';

describe('ops dev: Function URLs under /_url/<function>/', () => {
  const access: AccessRecord[] = [];
  let dir: string;
  let server: DevServer;

  beforeAll(async () => {
    dir = await tempFleet({
      app: 'shop',
      region: 'eu-west-1',
      functions: { web: { handler: ECHO }, api: { handler: ECHO }, plain: { handler: ECHO } },
    });
    const fn = (key: string) => `src/functions/${key}/handler.ts`;
    const config = {
      app: 'shop',
      region: 'eu-west-1',
      functions: {
        web: { handler: fn('web'), url: { auth: 'NONE', cors: { allowOrigins: ['https://app.example'], allowMethods: ['POST'] } } },
        api: { handler: fn('api'), url: true, routes: ['GET /api'] },
        plain: { handler: fn('plain'), routes: ['GET /plain'] },
      },
    };
    await writeFile(path.join(dir, 'ops.config.ts'), `export default ${JSON.stringify(config)};\n`);
    const fleet = await loadFleet({ cwd: dir, stage: 'dev', env: {} });
    server = await startDevServer({ fleet, port: 0, env: process.env, watch: false, hooks: { access: (r) => access.push(r) } });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const call = async (p: string, init: RequestInit = {}) => {
    const res = await fetch(`${server.url}${p}`, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, event: res.status === 200 && text ? JSON.parse(text) : undefined };
  };

  it('lists each function with a url and where it is served', () => {
    expect(server.functionUrls).toEqual([
      { fn: 'web', url: `${server.url}/_url/web/`, auth: 'NONE' },
      { fn: 'api', url: `${server.url}/_url/api/`, auth: 'AWS_IAM' },
    ]);
  });

  it("sends a Function URL's event: the prefix taken off, routeKey $default, the URL's domain, any method", async () => {
    const { status, event } = await call('/_url/web/orders/7?x=1&x=2', {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(status).toBe(200);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/orders/7',
      rawQueryString: 'x=1&x=2',
      queryStringParameters: { x: '1,2' },
      body: '{"a":1}',
      isBase64Encoded: false,
      requestContext: { accountId: 'anonymous', routeKey: '$default', stage: '$default', http: { method: 'POST', path: '/orders/7' } },
    });
    expect(event.requestContext.domainName).toBe(`${event.requestContext.apiId}.lambda-url.eu-west-1.on.aws`);
    expect(event.headers).toMatchObject({ host: event.requestContext.domainName, 'x-forwarded-proto': 'https', 'x-forwarded-port': '443' });
    expect(event.requestContext.authorizer).toBeUndefined();
    expect(event.pathParameters).toBeUndefined();
    expect(access.at(-1)).toMatchObject({ fn: 'web', status: 200 });
  });

  it('the bare prefix is the root path', async () => {
    expect((await call('/_url/web')).event.rawPath).toBe('/');
    expect((await call('/_url/web/')).event.rawPath).toBe('/');
  });

  it('an AWS_IAM URL carries a stand-in caller (nothing is signed locally)', async () => {
    const { event } = await call('/_url/api/anything');
    expect(event.requestContext.authorizer.iam).toMatchObject({
      accountId: '000000000000',
      userArn: expect.stringContaining(':assumed-role/'),
    });
  });

  it("answers the preflight with the URL's CORS and adds its headers, as Lambda does", async () => {
    const pre = await call('/_url/web/x', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(pre.headers.get('access-control-allow-methods')).toBe('POST');
    const got = await call('/_url/web/x', { headers: { origin: 'https://app.example' } });
    expect(got.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });

  it('the HTTP API is served beside them; a function without a url has no prefix', async () => {
    const api = await call('/api');
    expect(api.event.routeKey).toBe('GET /api');
    expect((await call('/_url/plain/x')).status).toBe(404);
  });

  it('matchFunctionUrl takes only served functions and keeps the rest of the path encoded', () => {
    const served = new Set(['web']);
    expect(matchFunctionUrl('/_url/web/a%20b/c?q=1', served)).toEqual({ fn: 'web', rawPath: '/a%20b/c' });
    expect(matchFunctionUrl('/_url/webx/a', served)).toBeUndefined();
    expect(matchFunctionUrl('/web/a', served)).toBeUndefined();
  });
});
