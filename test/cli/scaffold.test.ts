import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/config/load.js';
import { startDevServer } from '../../src/dev/server.js';
import { runCli } from '../support/cli.js';

const base = mkdtempSync(path.join(tmpdir(), 'ops-scaffold-cli-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const freshDir = (name = `fleet-${++n}`) => path.join(base, name);
const env = { AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: '', AWS_PROFILE: '' };
const ops = (args: string[], cwd: string) => runCli(args, { cwd, env });

/** Every file under `dir` with its contents, except the config loader's cache. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !path.relative(dir, e.parentPath).startsWith('.ops'))
      .map((e) => [path.relative(dir, path.join(e.parentPath, e.name)), readFileSync(path.join(e.parentPath, e.name), 'utf8')]),
  );
}

describe('ops init', () => {
  it('creates a fleet that ops config loads', async () => {
    const dir = freshDir('Orders API');
    const r = await ops(['init', dir], base);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('create Orders API/ops.config.ts');
    expect(r.stderr).toContain('ops invoke hello --local --event src/functions/hello/events/http-api.json');
    expect(r.stderr).toContain("cd 'Orders API'\n  npm install\n");
    expect(Object.keys(snapshot(dir)).sort()).toEqual(
      [
        '.gitignore',
        'ops.config.ts',
        'package.json',
        'tsconfig.json',
        'src/functions/_shared/params.ts',
        'src/functions/hello/events/http-api.json',
        'src/functions/hello/events/http-api.expect.json',
        'src/functions/hello/handler.ts',
      ].sort(),
    );
    // The fleet's `npm test` (`ops smoke --local` after tsc) has the hello's sample to run from the start.
    const smoke = await ops(['smoke', '--local'], dir);
    expect(smoke.code, smoke.stderr).toBe(0);
    expect(smoke.stdout + smoke.stderr).toMatch(/1 passed/);

    const cfg = await ops(['config', '--json'], dir);
    expect(cfg.stderr).toBe('');
    expect(cfg.code).toBe(0);
    const fleet = cfg.json();
    expect(fleet).toMatchObject({ app: 'orders-api', region: 'eu-central-1', api: { name: 'orders-api-dev' } });
    expect(fleet.functions).toHaveLength(1);
    expect(fleet.functions[0]).toMatchObject({ key: 'hello', runtime: 'nodejs22.x', handler: { lambdaHandler: 'index.handler' } });
    expect(fleet.functions[0].routes).toEqual([{ key: 'GET /hello', method: 'GET', path: '/hello' }]);
  });

  it("a handler of a new fleet (nothing installed: no node_modules) may import the AWS SDK: local runs get the one Lambda ships, here ops's own", async () => {
    const dir = freshDir();
    expect((await ops(['init', dir], base)).code).toBe(0);
    writeFileSync(
      path.join(dir, 'src/functions/hello/handler.ts'),
      "import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';\n" +
        "export const handler = async () => ({ client: typeof new LambdaClient({ region: 'us-east-1' }).send, command: ListFunctionsCommand.name });\n",
    );
    const r = await ops(['invoke', 'hello', '--local', '--json'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json().result).toEqual({ client: 'function', command: 'ListFunctionsCommand' });
    // Still left out of the zip, as Lambda's runtime has it.
    expect(statSync(path.join(dir, '.ops/build/hello/hello.zip')).size).toBeLessThan(4096);
  });

  it('refuses a directory that already has a fleet, changing nothing', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    expect((await ops(['init', '--name', 'first'], dir)).code).toBe(0);
    const before = snapshot(dir);
    const again = await ops(['init', '--runtime', 'python3.12'], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error: this directory already has a fleet (ops.config.ts)');
    expect(again.stderr).toContain("hint: add functions to it with 'ops new function <name>'");
    expect(again.stdout).toBe('');
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses any file it would write, and takes a Python runtime and --json', async () => {
    const dir = freshDir('py_fleet');
    mkdirSync(dir);
    writeFileSync(path.join(dir, '.gitignore'), 'mine\n');
    const refused = await ops(['init', '--runtime', 'python3.12'], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already has .gitignore');
    expect(readdirSync(dir)).toEqual(['.gitignore']);

    rmSync(path.join(dir, '.gitignore'));
    const r = await ops(['init', '--runtime', 'python3.12', '--json'], dir);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      app: 'py-fleet',
      runtime: 'python3.12',
      files: expect.arrayContaining(['src/functions/hello/lambda_function.py']),
    });
    const fleet = (await ops(['config', '--json'], dir)).json();
    expect(fleet.functions[0]).toMatchObject({ runtime: 'python3.12', handler: { lambdaHandler: 'lambda_function.lambda_handler' } });
  });

  it("keeps a directory's own package.json and tsconfig.json, and says what to add to the package.json", async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const own = { name: 'mine', devDependencies: { typescript: '5.0.0' }, scripts: { test: 'vitest' } };
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(own));
    writeFileSync(path.join(dir, 'tsconfig.json'), '{}\n');
    const r = await ops(['init'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'))).toEqual(own);
    expect(readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')).toBe('{}\n');
    expect(r.stdout).not.toContain('package.json');
    const pkg = JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8'));
    expect(r.stderr).toContain(`npm install --save-dev opsfleet@${pkg.version} @types/aws-lambda@`);
    expect(r.stderr).not.toContain('typescript@');
    expect(r.stderr).toContain('scripts: "deploy": "ops deploy", "plan": "ops plan"\n');
    expect(r.stderr).not.toContain('npm install\n');
  });

  it('rejects an invalid --name as usage', async () => {
    const dir = freshDir();
    const r = await ops(['init', dir, '--name', 'Bad_Name'], base);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("invalid app name 'Bad_Name'");
    expect(existsSync(dir)).toBe(false);
  });
});

describe('ops new function', () => {
  it('adds TypeScript and Python functions that ops config resolves', async () => {
    const dir = freshDir();
    expect((await ops(['init', dir], base)).code).toBe(0);
    const ts = await ops(['new', 'function', 'users', '--route', 'GET /users/{id}', '--runtime', 'nodejs20.x'], dir);
    expect(ts.code).toBe(0);
    expect(ts.stdout).toContain('update ops.config.ts');
    // From a subdirectory: the config is found upward and files go next to it.
    mkdirSync(path.join(dir, 'src/lib'), { recursive: true });
    const py = await ops(
      ['new', 'function', 'nightly-report', '--runtime', 'python3.13', '--event', 'schedule'],
      path.join(dir, 'src/lib'),
    );
    expect(py.code).toBe(0);
    expect(py.stdout).toContain('create ../functions/nightly_report/lambda_function.py');
    expect(py.stderr).toContain("triggers: [{ schedule: 'rate(5 minutes)' }]");

    const fleet = (await ops(['config', '--json'], dir)).json();
    const byKey = Object.fromEntries(fleet.functions.map((f: any) => [f.key, f]));
    expect(Object.keys(byKey)).toEqual(['hello', 'users', 'nightly-report']);
    expect(byKey.users).toMatchObject({
      runtime: 'nodejs20.x',
      handler: { lambdaHandler: 'index.handler' },
      routes: [{ key: 'GET /users/{id}' }],
    });
    expect(byKey['nightly-report']).toMatchObject({
      runtime: 'python3.13',
      language: 'python',
      handler: { lambdaHandler: 'lambda_function.lambda_handler' },
    });
    expect(existsSync(path.join(dir, 'src/functions/nightly_report/events/schedule.json'))).toBe(true);
  });

  it('refuses a taken name, a taken directory, a taken route and a bad name, changing nothing', async () => {
    const dir = freshDir();
    expect((await ops(['init', dir], base)).code).toBe(0);
    mkdirSync(path.join(dir, 'src/functions/legacy'));
    const before = snapshot(dir);
    const cases: [string[], number, string][] = [
      [['new', 'function', 'hello'], 1, "function 'hello' already exists in ops.config.ts"],
      [['new', 'function', 'legacy'], 1, 'src/functions/legacy already exists'],
      [['new', 'function', 'greet', '--route', 'GET /hello'], 1, "'GET /hello' is already a route of 'hello'"],
      [['new', 'function', 'Greet'], 2, 'function name must be lowercase letters, digits and single dashes'],
      [['new', 'function', 'greet', '--route', 'GET hello'], 2, "invalid route 'GET hello'"],
      [['new', 'function', 'greet', '--route', 'GET /greet', '--event', 'sns'], 2, '--route needs an http function'],
      [['new', 'function', 'greet', '--runtime', 'java21'], 2, 'Allowed choices are'],
      [['new'], 2, "'ops new' needs a subcommand: function"],
    ];
    for (const [args, code, message] of cases) {
      const r = await ops(args, dir);
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(r.stderr).toContain(message);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('writes the files and prints the snippet when the config cannot be edited safely', async () => {
    const dir = freshDir();
    mkdirSync(path.join(dir, 'src/functions/a'), { recursive: true });
    writeFileSync(path.join(dir, 'src/functions/a/handler.ts'), 'export const handler = async () => 1;\n');
    const config = `import { defineFleet } from 'ops';\nconst functions = { a: { handler: 'src/functions/a/handler.ts' } };\nexport default defineFleet({ app: 'odd', functions });\n`;
    writeFileSync(path.join(dir, 'ops.config.ts'), config);
    const r = await ops(['new', 'function', 'b', '--event', 'sns'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: did not edit ops.config.ts');
    expect(r.stderr).toContain("    b: {\n      handler: 'src/functions/b/handler.ts',\n    },");
    expect(readFileSync(path.join(dir, 'ops.config.ts'), 'utf8')).toBe(config);
    expect(existsSync(path.join(dir, 'src/functions/b/events/sns.json'))).toBe(true);
    // Loaded config still knows 'a' even though the text scan could not see it.
    const taken = await ops(['new', 'function', 'a'], dir);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain("function 'a' already exists");
  });

  it("on a REST API a route gets a payload 1.0 handler and sample, with the keys ops dev's REST events have", async () => {
    // Seed 003's approval API is a REST API: its functions get 1.0 events, and a 2.0 sample tested another shape.
    const dir = freshDir();
    expect((await ops(['init', dir], base)).code).toBe(0);
    const configPath = path.join(dir, 'ops.config.ts');
    writeFileSync(
      configPath,
      readFileSync(configPath, 'utf8').replace('  functions: {', "  api: { type: 'rest', stage: 'v1' },\n  functions: {"),
    );
    for (const [name, route, runtime] of [
      ['users', 'GET /users/{id}', 'nodejs22.x'],
      ['notes', 'POST /notes', 'python3.12'],
    ]) {
      const r = await ops(['new', 'function', name, '--route', route, '--runtime', runtime], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`events/rest-api.json`);
    }
    const sample = JSON.parse(readFileSync(path.join(dir, 'src/functions/users/events/rest-api.json'), 'utf8'));
    expect(sample).toMatchObject({
      resource: '/users/{id}',
      path: '/users/id-1',
      httpMethod: 'GET',
      pathParameters: { id: 'id-1' },
      requestContext: { resourcePath: '/users/{id}', httpMethod: 'GET', path: '/v1/users/id-1', stage: 'v1' },
      body: null,
    });
    expect(readFileSync(path.join(dir, 'src/functions/users/handler.ts'), 'utf8')).toContain('APIGatewayProxyEvent,');
    for (const [name, route] of [
      ['users', 'GET /users/{id}'],
      ['notes', 'POST /notes'],
    ]) {
      const r = await ops(['invoke', name, '--local', '--event', 'rest-api', '--json'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.json().result.body), name).toMatchObject({ message: 'hello, ops', route });
    }

    // What ops dev sends a REST route (src/dev/rest-event.ts) has the sample's keys, at the top and in requestContext.
    writeFileSync(
      path.join(dir, 'src/functions/users/handler.ts'),
      'export const handler = async (e: any) => ({ statusCode: 200, body: JSON.stringify({ top: Object.keys(e).sort(), ctx: Object.keys(e.requestContext).sort() }) });\n',
    );
    const fleet = await loadFleet({ cwd: dir, stage: 'dev', env: {} });
    const server = await startDevServer({ fleet, port: 0, env, watch: false });
    try {
      const got = (await (await fetch(`${server.url}/users/id-1`)).json()) as { top: string[]; ctx: string[] };
      expect(Object.keys(sample).sort()).toEqual(got.top);
      expect(Object.keys(sample.requestContext).sort()).toEqual(got.ctx);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('fails with a hint outside a fleet', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const r = await ops(['new', 'function', 'x'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("run 'ops init'");
    expect(readdirSync(dir)).toEqual([]);
  });
});
