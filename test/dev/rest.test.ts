import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/config/load.js';
import type { AuthorizerSpec, Fleet, RouteSpec } from '../../src/config/types.js';
import { checkApiKey, restPolicyVerdict } from '../../src/dev/rest-auth.js';
import { mapRestResult } from '../../src/dev/rest-response.js';
import { type AccessRecord, type DevServer, startDevServer } from '../../src/dev/server.js';

/**
 * `ops dev` with a REST API (`api.type: 'rest'`): served under its stage as the invoke URL is, payload
 * 1.0 events, API Gateway v1's precedence and its reading of the function's answer, the CORS preflights
 * the deployed API has, and the key and authorizer checks done locally. One server for every case.
 */
const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
const token = (claims: Record<string, unknown>) =>
  ['{"alg":"RS256","kid":"k"}', JSON.stringify(claims), 'signature'].map((p) => Buffer.from(p).toString('base64url')).join('.');

const handler = (name: string) => `export const handler = async (event: any) =>
  event.path === '/bad'
    ? 'a bare string is no proxy response on a REST API'
    : { statusCode: 201, headers: { 'X-Fn': '${name}' }, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] }, body: JSON.stringify(event) };\n`;
// A REQUEST authorizer as API Gateway v1 calls it: its verdict is an IAM policy on the method ARN.
const AUTHZ = `export const handler = async (event: any) => {
  const t = event.type === 'TOKEN' ? event.authorizationToken : Object.entries(event.headers).find(([k]) => k.toLowerCase() === 'x-token')?.[1];
  if (t === 'nobody') throw new Error('Unauthorized');
  const effect = t === 'allow' ? 'Allow' : 'Deny';
  return {
    principalId: 'user-1',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn }] },
    context: { who: 'tester', type: event.type, path: event.path ?? null },
  };
};\n`;

/** REST authorizers and keys are other slices' config fields: set here on the resolved fleet, as they resolve. */
function protect(fleet: Fleet): void {
  fleet.api!.authorizers = [
    { name: 'cognito', type: 'jwt', issuer: ISSUER, audience: ['client-1'], identitySource: ['$request.header.Authorization'] },
    {
      name: 'custom',
      type: 'lambda',
      function: 'authz',
      functionName: 'restdev-dev-authz',
      identitySource: ['$request.header.X-Token'],
      ttl: 0,
      payload: '1.0',
    },
    // As a REST API's config resolves a Cognito authorizer: no audience (it takes any app client of the pool).
    { name: 'pool', type: 'jwt', issuer: ISSUER, audience: [], identitySource: ['$request.header.Authorization'] },
    // functionPayloadType 'TOKEN' (resolved as `token: true`): the function gets the header's value only.
    {
      name: 'tok',
      type: 'lambda',
      function: 'authz',
      functionName: 'restdev-dev-authz',
      identitySource: ['$request.header.X-Token'],
      ttl: 0,
      payload: '2.0',
      token: true,
    } as AuthorizerSpec,
  ];
  const route = (key: string): RouteSpec => fleet.functions.flatMap((f) => f.routes).find((r) => r.key === key)!;
  route('GET /keyed').apiKey = true;
  route('GET /guarded').auth = { type: 'lambda', authorizer: 'custom' };
  route('GET /me').auth = { type: 'jwt', authorizer: 'cognito' };
  route('GET /pool').auth = { type: 'jwt', authorizer: 'pool' };
  route('GET /tokened').auth = { type: 'lambda', authorizer: 'tok' };
}

describe('ops dev: a REST API', () => {
  const access: AccessRecord[] = [];
  let dir: string;
  let server: DevServer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ops-dev-rest-'));
    for (const [key, code] of Object.entries({ echo: handler('echo'), other: handler('other'), authz: AUTHZ })) {
      await mkdir(path.join(dir, 'src', key), { recursive: true });
      await writeFile(path.join(dir, 'src', key, 'handler.ts'), code);
    }
    await writeFile(
      path.join(dir, 'ops.config.ts'),
      `export default {
  app: 'restdev',
  region: 'us-east-1',
  api: { type: 'rest', stage: 'prod', stageVariables: { color: 'blue' }, cors: true },
  functions: {
    echo: { handler: 'src/echo/handler.ts', routes: ['GET /items/{id}', 'GET /{x}/b', 'GET /bad', 'GET /keyed', 'GET /guarded', 'GET /me', 'GET /pool', 'GET /tokened'] },
    other: { handler: 'src/other/handler.ts', routes: ['GET /items/special', 'ANY /items/{id}', 'ANY /a/{proxy+}'] },
    authz: { handler: 'src/authz/handler.ts' },
  },
};\n`,
    );
    const fleet = await loadFleet({ cwd: dir, stage: 'dev', env: {} });
    protect(fleet);
    server = await startDevServer({
      fleet,
      port: 0,
      env: { ...process.env, OPS_DEV_API_KEY: '' },
      watch: false,
      hooks: { access: (r) => access.push(r) },
    });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const call = async (p: string, init: { method?: string; headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${server.url}${p}`, init);
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: res.status, headers: res.headers, text, json };
  };

  it('is served under its stage, as the invoke URL is; without the stage, 403 as API Gateway answers', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/prod$/);
    expect(server.notes.join('\n')).toContain('/prod/');
    expect(server.notes.join('\n')).toContain('any non-empty x-api-key');
    const root = server.url.replace(/\/prod$/, '');
    const res = await fetch(`${root}/items/1`);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: 'Forbidden' });
    expect(access.at(-1)?.note).toContain('/prod/items/1');
  });

  it('a route gets a payload 1.0 event, and its answer is read as v1 reads it', async () => {
    const res = await call('/items/42?tag=x&tag=y&one=1', { headers: { 'X-Custom': 'v' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-fn')).toBe('echo');
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(res.headers.get('content-type')).toBe('application/json');
    const e = res.json;
    expect(e).toMatchObject({
      resource: '/items/{id}',
      path: '/items/42',
      httpMethod: 'GET',
      queryStringParameters: { tag: 'y', one: '1' },
      multiValueQueryStringParameters: { tag: ['x', 'y'], one: ['1'] },
      pathParameters: { id: '42' },
      stageVariables: { color: 'blue' },
      body: null,
      isBase64Encoded: false,
      requestContext: { resourcePath: '/items/{id}', stage: 'prod', httpMethod: 'GET', path: '/prod/items/42', apiId: 'local' },
    });
    expect(e.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-amzn-requestid')).toBe(e.requestContext.requestId);
    expect(e.requestContext.identity).toMatchObject({ sourceIp: '127.0.0.1', apiKey: null });
    expect(Object.entries(e.headers).find(([k]) => k.toLowerCase() === 'x-custom')?.[1]).toBe('v');
    expect(e.headers['X-Forwarded-Proto']).toBe('http');
    expect(e.multiValueHeaders['X-Forwarded-Proto']).toEqual(['http']);
    expect(e).not.toHaveProperty('version');
    expect(e).not.toHaveProperty('rawPath');
  });

  it("v1's precedence: literal before {param} before {proxy+} at each segment, an explicit method before ANY", async () => {
    expect((await call('/items/special')).headers.get('x-fn')).toBe('other');
    expect((await call('/items/7')).headers.get('x-fn')).toBe('echo');
    const del = await call('/items/7', { method: 'DELETE' });
    expect([del.headers.get('x-fn'), del.json.resource]).toEqual(['other', '/items/{id}']);
    // An HTTP API would pick GET /{x}/b (no greedy variable); v1 walks the tree: literal `a`, then {proxy+}.
    const greedy = await call('/a/b');
    expect([greedy.headers.get('x-fn'), greedy.json.pathParameters]).toEqual(['other', { proxy: 'b' }]);
    expect((await call('/c/b')).json.pathParameters).toEqual({ x: 'c' });
    // v1 picks the resource, then the method: /items/special has GET only, so POST is no fall back to ANY /items/{id}.
    const post = await call('/items/special', { method: 'POST' });
    expect([post.status, post.json]).toEqual([403, { message: 'Missing Authentication Token' }]);
    const none = await call('/nowhere');
    expect([none.status, none.json]).toEqual([403, { message: 'Missing Authentication Token' }]);
  });

  it('a bare string is a malformed proxy response: 502 Internal server error', async () => {
    const res = await call('/bad');
    expect([res.status, res.json]).toEqual([502, { message: 'Internal server error' }]);
    expect(access.at(-1)?.note).toContain('malformed Lambda proxy response');
  });

  it('CORS: OPTIONS is answered by the API (MOCK) with the headers it deploys; function answers get none added', async () => {
    const res = await call('/items/7', { method: 'OPTIONS' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT');
    expect(res.headers.get('access-control-allow-headers')).toContain('X-Api-Key');
    expect(access.at(-1)?.fn).toBeUndefined();
    expect((await call('/items/7', { headers: { origin: 'https://app.example' } })).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a route with apiKey answers 403 without x-api-key; any non-empty key passes and reaches identity.apiKey', async () => {
    const missing = await call('/keyed');
    expect([missing.status, missing.json]).toEqual([403, { message: 'Forbidden' }]);
    const ok = await call('/keyed', { headers: { 'x-api-key': 'k-123' } });
    expect(ok.status).toBe(201);
    expect(ok.json.requestContext.identity).toMatchObject({ apiKey: 'k-123', apiKeyId: 'local' });
  });

  it('Lambda authorizer runs locally (REQUEST, v1 event): Deny 403, Allow passes its context, Unauthorized 401, no identity 401', async () => {
    const denied = await call('/guarded', { headers: { 'x-token': 'deny' } });
    expect([denied.status, denied.json]).toEqual([
      403,
      { message: 'User is not authorized to access this resource with an explicit deny' },
    ]);
    const ok = await call('/guarded', { headers: { 'x-token': 'allow' } });
    expect(ok.status).toBe(201);
    expect(ok.json.requestContext.authorizer).toMatchObject({ principalId: 'user-1', who: 'tester', type: 'REQUEST', path: '/guarded' });
    expect((await call('/guarded', { headers: { 'x-token': 'nobody' } })).status).toBe(401);
    const none = await call('/guarded');
    expect([none.status, none.json]).toEqual([401, { message: 'Unauthorized' }]);
  });

  it("JWT: issuer, audience and expiry checked (401 otherwise); the claims reach requestContext.authorizer as a Cognito authorizer's", async () => {
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const bearer = (claims: Record<string, unknown>) => ({ headers: { authorization: token(claims) } });
    const ok = await call('/me', bearer({ iss: ISSUER, aud: 'client-1', exp: inAnHour, sub: 'u1' }));
    expect(ok.status).toBe(201);
    expect(ok.json.requestContext.authorizer.claims).toMatchObject({ sub: 'u1', aud: 'client-1', exp: String(inAnHour) });
    const expired = await call('/me', bearer({ iss: ISSUER, aud: 'client-1', exp: inAnHour - 7200 }));
    expect([expired.status, expired.json]).toEqual([401, { message: 'Unauthorized' }]);
    expect(access.at(-1)?.note).toContain('expired');
    expect((await call('/me', bearer({ iss: ISSUER, aud: 'someone-else', exp: inAnHour }))).status).toBe(401);
    expect((await call('/me', bearer({ iss: 'https://elsewhere', aud: 'client-1', exp: inAnHour }))).status).toBe(401);
  });

  it('a Cognito authorizer without audience takes a token of any app client of the pool (issuer and expiry still checked)', async () => {
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const auth = (claims: Record<string, unknown>) => ({ headers: { authorization: token(claims) } });
    expect((await call('/pool', auth({ iss: ISSUER, aud: 'any-client', exp: inAnHour }))).status).toBe(201);
    expect((await call('/pool', auth({ iss: ISSUER, aud: 'any-client', exp: inAnHour - 7200 }))).status).toBe(401);
    expect((await call('/pool', auth({ iss: 'https://elsewhere', aud: 'any-client', exp: inAnHour }))).status).toBe(401);
  });

  it('a TOKEN authorizer gets { type, authorizationToken, methodArn } and is read as a REQUEST one is', async () => {
    const ok = await call('/tokened?q=1', { headers: { 'x-token': 'allow' } });
    expect(ok.status).toBe(201);
    expect(ok.json.requestContext.authorizer).toMatchObject({ principalId: 'user-1', type: 'TOKEN', path: null });
    expect((await call('/tokened', { headers: { 'x-token': 'deny' } })).status).toBe(403);
    expect((await call('/tokened')).status).toBe(401);
  });
});

describe('ops dev: how a REST API reads answers, policies and keys (pure)', () => {
  const arn = 'arn:aws:execute-api:us-east-1:000000000000:local/prod/GET/items/7';
  const policy = (Effect: string, Resource: string | string[], extra: Record<string, unknown> = {}) => ({
    principalId: 'p',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect, Resource }] },
    ...extra,
  });

  it("an authorizer's policy: wildcards match the method ARN; no Allow for it is an implicit deny; isAuthorized or an object in context is a 500", () => {
    expect(restPolicyVerdict(policy('Allow', 'arn:aws:execute-api:us-east-1:000000000000:local/*/GET/*'), arn)).toMatchObject({ ok: true });
    const implicit = restPolicyVerdict(policy('Allow', 'arn:aws:execute-api:us-east-1:000000000000:local/*/POST/*'), arn);
    expect(implicit.ok || [implicit.response.status, JSON.parse(implicit.response.body.toString())]).toEqual([
      403,
      { message: 'User is not authorized to access this resource' },
    ]);
    const simple = restPolicyVerdict({ isAuthorized: true }, arn);
    expect(simple.ok || [simple.response.status, simple.note]).toEqual([500, expect.stringContaining('IAM policy')]);
    const nested = restPolicyVerdict(policy('Allow', '*', { context: { user: { id: 1 } } }), arn);
    expect(nested.ok || nested.response.status).toBe(500);
  });

  it('a proxy answer: multiValueHeaders win over headers of the same name; no statusCode or a body that is not a string is malformed', () => {
    const mapped = mapRestResult({
      statusCode: 200,
      headers: { 'Set-Cookie': 'x=0' },
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
    });
    expect('response' in mapped && mapped.response.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(mapRestResult({ body: 'x' })).toHaveProperty('invalid');
    expect(mapRestResult({ statusCode: 200, body: { a: 1 } })).toHaveProperty('invalid');
    expect(mapRestResult({ message: 'hi' })).toHaveProperty('invalid');
    const b64 = mapRestResult({ statusCode: 200, body: Buffer.from('hé').toString('base64'), isBase64Encoded: true });
    expect('response' in b64 && b64.response.body.toString()).toBe('hé');
  });

  it('API keys: any non-empty x-api-key, or exactly OPS_DEV_API_KEY when set', () => {
    expect(checkApiKey({ 'X-Api-Key': 'k1' }, {})).toBe('k1');
    expect(checkApiKey({ 'x-api-key': '' }, {})).toBeUndefined();
    expect(checkApiKey({ 'x-api-key': 'k1' }, { value: 'secret' })).toBeUndefined();
    expect(checkApiKey({ 'x-api-key': 'secret' }, { value: 'secret' })).toBe('secret');
  });
});
