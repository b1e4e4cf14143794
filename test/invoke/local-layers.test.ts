import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/config/load.js';
import { startDevServer } from '../../src/dev/server.js';
import { arnLayerCachePath, prepareLocalLayers } from '../../src/invoke/local-layers.js';
import { writeDeterministicZip } from '../../src/package/zip.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
// No credentials: built layers need none, and nothing may reach AWS.
const offline = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', AWS_ENDPOINT_URL: '' };

async function put(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
}

/**
 * Issue 12.2: local runs (`invoke --local`, `smoke --local`, `dev`) put the function's layers where
 * Lambda does, /opt played by a directory the layer zips (the ones deploy publishes) are extracted
 * into, in the function's layer order. Each handler here imports something only its layers have.
 */
describe('local runs with built layers', () => {
  let dir: string;
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: offline });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ops-local-layers-'));
    await cp(path.join(repoRoot, 'test/fixtures/build/python-app/pkgs/hello_pkg'), path.join(dir, 'pkgs/hello_pkg'), { recursive: true });
    await put(dir, {
      // hello_pkg is installed (pip, from a local path) into the layer only, never into the function.
      'layers/pydeps/requirements.txt': '../../pkgs/hello_pkg\n',
      'layers/pydeps/python/shared/__init__.py': '',
      'layers/pydeps/python/shared/first.py': 'NAME = "first"\n',
      'layers/pydeps/python/which.py': 'LAYER = "pydeps"\n',
      // A later layer: its files replace the earlier one's and the two `shared` packages merge, as in /opt.
      'layers/override/python/shared/__init__.py': '',
      'layers/override/python/shared/second.py': 'NAME = "second"\n',
      'layers/override/python/which.py': 'LAYER = "override"\n',
      'layers/nodedeps/nodejs/node_modules/greeter/index.js': 'exports.greet = (name) => "hi " + name + " from the node layer";\n',
      'layers/nodedeps/nodejs/node_modules/greeter/package.json': '{ "name": "greeter", "version": "1.0.0", "main": "index.js" }\n',
      'src/py/lambda_function.py': [
        'import hello_pkg',
        'import which',
        'from shared import first, second',
        '',
        'def lambda_handler(event, context):',
        '    return {"greeting": hello_pkg.greet(event.get("name", "py")), "which": which.LAYER, "shared": [first.NAME, second.NAME]}',
        '',
      ].join('\n'),
      'src/py/events/greet.json': '{ "name": "smoke" }\n',
      'src/py/events/greet.expect.json': '{ "body": { "greeting": "hello smoke from hello_pkg", "which": "override" } }\n',
      'src/web/handler.ts': [
        "import greeter from 'greeter';",
        'export const handler = async (event: { queryStringParameters?: { name?: string } }) => ({',
        '  statusCode: 200,',
        "  body: JSON.stringify({ greeting: greeter.greet(event.queryStringParameters?.name ?? 'web') }),",
        '});',
        '',
      ].join('\n'),
      'ops.config.ts': `import { defineFleet } from 'ops';
export default defineFleet({
  app: 'laylocal',
  region: 'us-east-1',
  functions: {
    py: {
      handler: 'src/py/lambda_function.lambda_handler',
      runtime: 'python3.12',
      layers: [{ path: 'layers/pydeps', requirements: 'layers/pydeps/requirements.txt' }, { path: 'layers/override' }],
    },
    // Shares the first layer: a local run of both at once builds it once.
    twin: { handler: 'src/py/lambda_function.lambda_handler', runtime: 'python3.12', layers: [{ path: 'layers/pydeps', requirements: 'layers/pydeps/requirements.txt' }] },
    web: {
      handler: 'src/web/handler.ts',
      routes: ['GET /greet'],
      layers: [{ path: 'layers/nodedeps' }],
      // The layer provides it: left out of the bundle, as in Lambda.
      bundle: { external: ['greeter'] },
    },
  },
});
`,
    });
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('ops invoke --local of a Python function imports a dependency that only its built layer has', async () => {
    const r = await ops(['invoke', 'py', '--local', '--payload', '{"name":"ada"}', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().result).toEqual({
      greeting: 'hello ada from hello_pkg',
      // The later layer wins where both have a file; packages of both are there.
      which: 'override',
      shared: ['first', 'second'],
    });
    // The function's own zip has none of it: the layer is what provides it.
    const unzipped = await readFile(path.join(dir, '.ops/build/py/py.zip'));
    expect(unzipped.includes('hello_pkg/__init__.py')).toBe(false);
  }, 120_000);

  it('ops invoke --local of a Node function imports (ESM) a package that only its built layer has', async () => {
    const r = await ops(['invoke', 'web', '--local', '--payload', '{"queryStringParameters":{"name":"ada"}}', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.json().result.body)).toEqual({ greeting: 'hi ada from the node layer' });
  }, 60_000);

  it('ops smoke --local runs the samples with the layers', async () => {
    const r = await ops(['smoke', 'py', '--local']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^py\s+greet\s+pass/m);
  }, 60_000);

  it('ops dev serves a route whose handler needs its layer', async () => {
    const env = { ...process.env, ...offline } as NodeJS.ProcessEnv;
    const fleet = await loadFleet({ cwd: dir, stage: 'dev', env });
    const server = await startDevServer({ fleet, port: 0, env, watch: false });
    try {
      const res = await fetch(`${server.url}/greet?name=dev`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ greeting: 'hi dev from the node layer' });
    } finally {
      await server.close();
    }
  }, 60_000);

  it('functions sharing a layer, prepared at once (as ops dev does), build it once and get the same content', async () => {
    await writeFile(path.join(dir, 'layers/pydeps/python/extra.py'), 'X = 1\n'); // a change: the next prepare builds
    const env = { ...process.env, ...offline } as NodeJS.ProcessEnv;
    const fleet = await loadFleet({ cwd: dir, stage: 'dev', env });
    const logs: string[] = [];
    const [py, twin] = await Promise.all(
      ['py', 'twin'].map((key) =>
        prepareLocalLayers(fleet, fleet.functions.find((f) => f.key === key)!, { env, log: (m) => logs.push(m) }),
      ),
    );
    expect(logs.filter((l) => l.startsWith('layer:pydeps: built '))).toHaveLength(1);
    expect(existsSync(path.join(py!, 'python/extra.py'))).toBe(true);
    expect(existsSync(path.join(twin!, 'python/extra.py'))).toBe(true);
  }, 60_000);

  it('ops dev rebuilds a layer that changes (its node_modules included): the next request runs the new layer', async () => {
    const env = { ...process.env, ...offline } as NodeJS.ProcessEnv;
    const fleet = await loadFleet({ cwd: dir, stage: 'dev', env });
    const server = await startDevServer({ fleet, port: 0, env });
    const greeter = path.join(dir, 'layers/nodedeps/nodejs/node_modules/greeter/index.js');
    const before = await readFile(greeter, 'utf8');
    try {
      expect(await (await fetch(`${server.url}/greet?name=dev`)).json()).toEqual({ greeting: 'hi dev from the node layer' });
      await writeFile(greeter, before.replace('hi ', 'hello '));
      const deadline = Date.now() + 15_000;
      let body: unknown;
      do {
        await new Promise((r) => setTimeout(r, 100));
        body = await (await fetch(`${server.url}/greet?name=dev`)).json();
      } while (Date.now() < deadline && (body as { greeting: string }).greeting.startsWith('hi '));
      expect(body).toEqual({ greeting: 'hello dev from the node layer' });
    } finally {
      await server.close();
      await writeFile(greeter, before);
    }
  }, 60_000);
});

/** Layers given by ARN: fetched once with GetLayerVersionByArn (Content.Location) and cached by ARN. */
describe('local runs with ARN layers', () => {
  const emu = useEmulator();
  let dir: string;
  let zipServer: http.Server;
  let zip: Buffer;
  let downloads = 0;
  const account = '123456789012';
  const arn = `arn:aws:lambda:us-east-1:${account}:layer:vendor-tools:3`;
  const missingArn = `arn:aws:lambda:us-east-1:${account}:layer:never-published:1`;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ops-local-arn-layers-'));
    const file = path.join(dir, 'vendor.zip');
    await writeDeterministicZip([{ path: 'python/vendor_tools.py', data: Buffer.from('VERSION = "3"\n') }], file);
    zip = await readFile(file);
    zipServer = http.createServer((req, res) => {
      downloads++;
      if (req.url !== '/vendor.zip?signature=x') return void res.writeHead(403).end();
      res.writeHead(200, { 'content-type': 'application/zip' }).end(zip);
    });
    zipServer.listen(0, '127.0.0.1');
    await new Promise((resolve) => zipServer.once('listening', resolve));
    await put(dir, {
      'src/py/lambda_function.py': [
        'def lambda_handler(event, context):',
        '    try:',
        '        import vendor_tools',
        '    except ImportError:',
        '        return {"vendor": None}',
        '    return {"vendor": vendor_tools.VERSION}',
        '',
      ].join('\n'),
      'ops.config.ts': `import { defineFleet } from 'ops';
export default defineFleet({
  app: 'layarn',
  region: 'us-east-1',
  functions: {
    py: { handler: 'src/py/lambda_function.lambda_handler', runtime: 'python3.12', layers: ['${arn}'] },
    missing: { handler: 'src/py/lambda_function.lambda_handler', runtime: 'python3.12', layers: ['${missingArn}'] },
  },
});
`,
    });
  }, 60_000);
  afterAll(async () => {
    zipServer?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fetches an ARN layer from its Content.Location once, then runs from the cache', async () => {
    // moto answers GetLayerVersionByArn with Location "s3://" (nothing to download), so the proxy
    // answers as AWS does: a presigned HTTPS URL (here a local server) and the content's sha256.
    const proxy = await emu.proxy();
    const { port } = zipServer.address() as AddressInfo;
    const body = JSON.stringify({
      LayerArn: arn.replace(/:3$/, ''),
      LayerVersionArn: arn,
      Version: 3,
      Content: {
        Location: `http://127.0.0.1:${port}/vendor.zip?signature=x`,
        CodeSha256: createHash('sha256').update(zip).digest('base64'),
        CodeSize: zip.length,
      },
    });
    proxy.addFault({
      match: { service: 'lambda', operation: 'GetLayerVersionByArn' },
      respond: faults.raw(200, body, { 'content-type': 'application/json' }),
    });
    const ops = () => runCli(['invoke', 'py', '--local', '--json'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });

    const first = await ops();
    expect(first.code, first.stderr).toBe(0);
    expect(first.json().result).toEqual({ vendor: '3' });
    expect(first.stderr).not.toContain('not on the local path');
    expect(proxy.operations()).toEqual(['lambda.GetLayerVersionByArn']);
    expect(existsSync(arnLayerCachePath(dir, arn))).toBe(true);

    const second = await ops();
    expect(second.json().result).toEqual({ vendor: '3' });
    expect(proxy.operations()).toEqual(['lambda.GetLayerVersionByArn']);
    expect(downloads).toBe(1);
  }, 60_000);

  it('an ARN layer that cannot be fetched is one warning naming it, and the function still runs', async () => {
    const r = await runCli(['invoke', 'missing', '--local', '--json'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().result).toEqual({ vendor: null });
    const warnings = r.stderr.split('\n').filter((l) => l.includes('layer'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`layer ${missingArn}: not on the local path (cannot fetch it:`);
    expect(warnings[0]).toContain('running without it');
  }, 60_000);

  it('ops smoke --local says so too (a warning, not debug talk), and runs the samples', async () => {
    await put(dir, { 'src/py/events/plain.json': '{}\n', 'src/py/events/plain.expect.json': '{ "body": { "vendor": null } }\n' });
    const r = await runCli(['smoke', 'missing', '--local'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: layer ${missingArn}: not on the local path`);
  }, 60_000);

  it('without credentials an ARN layer is not fetched, and the warning says why', async () => {
    const r = await runCli(['invoke', 'missing', '--local', '--json'], { cwd: dir, env: offline });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`layer ${missingArn}: not on the local path (no AWS credentials to fetch it with); running without it`);
  }, 60_000);
});
