import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/config/load.js';
import { type AccessRecord, type DevServer, startDevServer } from '../../src/dev/server.js';
import { tempFleet } from '../invoke/remote-helpers.js';

/** A handler that says which function and route answered. */
const whoami = (fn: string) =>
  `export const handler = async (event: any) => ({ fn: '${fn}', routeKey: event.routeKey, pathParameters: event.pathParameters ?? null });\n`;

const RESULTS = `export const handler = async (event: any) => {
  switch (event.pathParameters.kind) {
    case 'string': return 'plain text';
    case 'object': return { hello: 'world' };
    case 'cookies': return { statusCode: 201, headers: { 'x-made': 'yes' }, cookies: ['a=1; Path=/', 'b=2'], body: 'ok' };
    case 'binary': return { statusCode: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([137, 80, 78, 71, 0, 255]).toString('base64'), isBase64Encoded: true };
    case 'invalid': return { statusCode: 200, body: { not: 'a string' } };
    case 'throw': throw new TypeError('no such thing');
    case 'slow': await new Promise((r) => setTimeout(r, 5000)); return 'too late';
    case 'version': return 'v1';
    default: return { statusCode: 418, body: '' };
  }
};\n`;

describe('ops dev: routing, results, timeouts and rebuilds on a test fleet', () => {
  const access: AccessRecord[] = [];
  const warnings: string[] = [];
  let dir: string;
  let server: DevServer;
  let url: string;

  beforeAll(async () => {
    dir = await tempFleet({
      app: 'pets',
      region: 'us-east-1',
      functions: {
        exact: { handler: whoami('exact'), routes: ['GET /pets/dog/1'] },
        param: { handler: whoami('param'), routes: ['GET /pets/dog/{id}'] },
        greedy: { handler: whoami('greedy'), routes: ['GET /pets/{proxy+}'] },
        any: { handler: whoami('any'), routes: ['ANY /{proxy+}'] },
        results: { handler: RESULTS, timeout: 1, routes: ['GET /results/{kind}'] },
      },
    });
    const fleet = await loadFleet({ cwd: dir, stage: 'dev', env: {} });
    server = await startDevServer({
      fleet,
      port: 0,
      env: process.env,
      watch: { debounceMs: 50 },
      hooks: { access: (r) => access.push(r), warn: (m) => warnings.push(m) },
    });
    url = server.url;
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = async (p: string, method = 'GET') => {
    const res = await fetch(`${url}${p}`, { method });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };
  const who = async (p: string, method = 'GET') => JSON.parse((await get(p, method)).body.toString());

  it('precedence: exact, then {param}, then the longest {proxy+}, then ANY /{proxy+}', async () => {
    expect(await who('/pets/dog/1')).toEqual({ fn: 'exact', routeKey: 'GET /pets/dog/1', pathParameters: null });
    expect(await who('/pets/dog/2')).toEqual({ fn: 'param', routeKey: 'GET /pets/dog/{id}', pathParameters: { id: '2' } });
    expect(await who('/pets/cat/1')).toEqual({ fn: 'greedy', routeKey: 'GET /pets/{proxy+}', pathParameters: { proxy: 'cat/1' } });
    expect(await who('/pets/dog/1', 'POST')).toEqual({ fn: 'any', routeKey: 'ANY /{proxy+}', pathParameters: { proxy: 'pets/dog/1' } });
    expect(await who('/pets')).toMatchObject({ fn: 'any', pathParameters: { proxy: 'pets' } });
    expect(await who('/pets/a%2Fb/c%20d')).toMatchObject({ fn: 'greedy', pathParameters: { proxy: 'a/b/c d' } });
  });

  it('maps results: the string and object shorthands, cookies, base64 bodies', async () => {
    const plain = await get('/results/string');
    expect([plain.status, plain.headers.get('content-type'), plain.body.toString()]).toEqual([200, 'application/json', 'plain text']);
    const object = await get('/results/object');
    expect(JSON.parse(object.body.toString())).toEqual({ hello: 'world' });
    const cookies = await get('/results/cookies');
    expect(cookies.status).toBe(201);
    expect(cookies.headers.get('x-made')).toBe('yes');
    expect(cookies.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    const binary = await get('/results/binary');
    expect([...binary.body]).toEqual([137, 80, 78, 71, 0, 255]);
    expect((await get('/results/teapot')).status).toBe(418);
  });

  it("a thrown error or an unmappable result is API Gateway's 500, with the reason in the access log", async () => {
    const thrown = await get('/results/throw');
    expect([thrown.status, thrown.body.toString()]).toEqual([500, '{"message":"Internal Server Error"}']);
    expect(access.at(-1)).toMatchObject({ status: 500, fn: 'results', note: 'TypeError: no such thing' });
    const invalid = await get('/results/invalid');
    expect(invalid.status).toBe(500);
    expect(access.at(-1)?.note).toMatch(/^invalid response: body must be a string/);
  });

  it('a handler past its timeout gives 504 while the server keeps serving, that function included', async () => {
    const started = Date.now();
    const [slow, meanwhile] = await Promise.all([get('/results/slow'), get('/pets/dog/1')]);
    expect([slow.status, slow.body.toString()]).toEqual([504, '{"message":"Endpoint request timed out"}']);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(access.find((r) => r.url === '/results/slow')?.note).toBe('Task timed out after 1.00 seconds');
    expect(meanwhile.status).toBe(200);
    const after = await get('/results/string');
    expect([after.status, after.body.toString()]).toEqual([200, 'plain text']);
  });

  it('serves concurrent requests to one function from several warm workers', async () => {
    const all = await Promise.all(Array.from({ length: 8 }, () => get('/results/object')));
    expect(all.every((r) => r.status === 200)).toBe(true);
  });

  it('rebuilds a function when its source changes; the next request runs the new code', async () => {
    expect((await get('/results/version')).body.toString()).toBe('v1');
    await writeFile(path.join(dir, 'src/functions/results/handler.ts'), RESULTS.replace("return 'v1'", "return 'v2'"));
    const deadline = Date.now() + 15_000;
    let body = '';
    while (Date.now() < deadline && body !== 'v2') {
      await new Promise((r) => setTimeout(r, 100));
      body = (await get('/results/version')).body.toString();
    }
    expect(body).toBe('v2');
    expect(server.watchMode).toBe('native');
    // The other functions were not touched.
    expect(await who('/pets/dog/1')).toMatchObject({ fn: 'exact' });
  });

  it('a change that does not build is reported and the previous build keeps serving', async () => {
    await writeFile(path.join(dir, 'src/functions/results/handler.ts'), 'export const handler = async ( => {\n');
    await server.rebuild(['results']);
    expect(warnings.some((w) => w.startsWith('results did not build, still serving the previous build'))).toBe(true);
    expect((await get('/results/version')).body.toString()).toBe('v2');
  });
});
