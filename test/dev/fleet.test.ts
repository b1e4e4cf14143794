import path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/config/load.js';
import { type AccessRecord, type DevServer, startDevServer } from '../../src/dev/server.js';
import { useEmulator } from '../support/emulator.js';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * `ops dev` on the repo's own fleet: real HTTP requests to every route, answered by the handlers
 * built from src/functions, with DynamoDB (and the async worker invoke) on moto.
 */
describe('ops dev serves every route of the repo fleet', () => {
  const emu = useEmulator();
  const stage = `dv${Date.now().toString(36).slice(-5)}`;
  // The fleet's `tasks` table as the stage has it (made here, as a deploy would): local runs get its name in TASKS_TABLE.
  const table = `tasks-${stage}-tasks`;
  const access: AccessRecord[] = [];
  let server: DevServer;
  let url: string;

  beforeAll(async () => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const ddb = new DynamoDBClient(emu.clientConfig);
    await ddb.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    ddb.destroy();
    const env = { ...process.env, ...emu.env } as NodeJS.ProcessEnv;
    const fleet = await loadFleet({ cwd: root, stage, env });
    server = await startDevServer({ fleet, port: 0, env, watch: false, hooks: { access: (r) => access.push(r) } });
    url = server.url;
  });
  afterAll(async () => {
    await server?.close();
  });

  const call = async (method: string, p: string, init: { body?: string | Buffer; headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${url}${p}`, { method, body: init.body, headers: init.headers });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };

  it('listens on 127.0.0.1 and serves the four routes, most specific first', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.routes.map((r) => `${r.key} → ${r.fn}`)).toEqual([
      'POST /tasks → tasks-api',
      'GET /tasks → tasks-api',
      'GET /tasks/{id} → tasks-api',
      'ANY /api/{proxy+} → gateway',
    ]);
  });

  it('POST /tasks, GET /tasks/{id}, GET /tasks: create, read back, list', async () => {
    const created = await call('POST', '/tasks', {
      body: JSON.stringify({ description: 'Find me a landscaper in Charlotte' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(created.status, created.text).toBe(202);
    expect(created.json).toMatchObject({ status: 'pending' });
    const { id } = created.json;

    const got = await call('GET', `/tasks/${id}`);
    expect(got.status, got.text).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(got.json).toMatchObject({ id, description: 'Find me a landscaper in Charlotte' });

    const listed = await call('GET', '/tasks?limit=5');
    expect(listed.status).toBe(200);
    expect(listed.json.map((t: { id: string }) => t.id)).toContain(id);
  });

  it("tasks-api's own 400 and 404 come through as the handler wrote them", async () => {
    const bad = await call('POST', '/tasks', { body: '{"description": "Find me', headers: { 'content-type': 'application/json' } });
    expect(bad).toMatchObject({ status: 400, json: { error: 'request body is not valid JSON' } });
    const missing = await call('GET', '/tasks/does-not-exist');
    expect(missing).toMatchObject({ status: 404, json: { error: 'task not found', id: 'does-not-exist' } });
    const limit = await call('GET', '/tasks?limit=0');
    expect(limit.status).toBe(400);
  });

  it('ANY /api/{proxy+}: health, echo of query and headers, JSON and binary bodies, 404 and 405', async () => {
    const health = await call('GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'ok', function: `tasks-${stage}-gateway`, region: 'us-east-1' });
    expect(health.headers.get('apigw-requestid')).toMatch(/=$/);

    const echo = await call('GET', '/api/echo?x=42&tag=a&tag=b', { headers: { 'X-Request-Id': 'req-1', Cookie: 'session=s1' } });
    expect(echo.json).toMatchObject({
      method: 'GET',
      path: '/api/echo',
      query: { x: '42', tag: 'a,b' },
      headers: { 'x-request-id': 'req-1', 'x-forwarded-for': '127.0.0.1' },
      sourceIp: '127.0.0.1',
    });

    const posted = await call('POST', '/api/echo', { body: '{"hello":"world"}', headers: { 'content-type': 'application/json' } });
    expect(posted.json).toEqual({ body: { hello: 'world' }, bytes: 17, base64: false });
    const binary = await call('PUT', '/api/echo', {
      body: Buffer.from('{"n":1}'),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(binary.status).toBe(405); // PUT reaches the function (ANY), which allows GET and POST only
    const base64 = await call('POST', '/api/echo', {
      body: Buffer.from('{"n":1}'),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(base64.json).toEqual({ body: { n: 1 }, bytes: 7, base64: true });

    const wrong = await call('DELETE', '/api/health');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect(await call('GET', '/api/nope')).toMatchObject({ status: 404, json: { error: 'not found: /api/nope' } });
  });

  it("no route is API Gateway's own 404, without calling a function", async () => {
    const before = access.length;
    for (const [method, p] of [
      ['GET', '/'],
      ['GET', '/api'], // {proxy+} needs at least one segment
      ['DELETE', '/tasks'],
      ['GET', '/tasks/1/extra'],
    ]) {
      const r = await call(method, p);
      expect({ p, status: r.status, text: r.text }).toEqual({ p, status: 404, text: '{"message":"Not Found"}' });
    }
    expect(access.slice(before).every((r) => r.fn === undefined && r.status === 404)).toBe(true);
  });

  it('CORS as configured: a preflight is answered by the gateway', async () => {
    const r = await fetch(`${url}/tasks`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-methods')).toBe('GET,POST,OPTIONS');
  });

  it('records one access entry per request with method, path, status, duration and function', () => {
    const health = access.find((r) => r.url === '/api/health');
    expect(health).toMatchObject({ method: 'GET', status: 200, fn: 'gateway' });
    expect(health!.ms).toBeGreaterThan(0);
  });
});
