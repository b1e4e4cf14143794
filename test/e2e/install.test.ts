import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 18 item 4: the package as npm ships it. `npm pack` the checkout (dist/ and types/ as `npm ci`'s prepare
// built them: packing with scripts would rebuild dist/ under the other test files' feet), install the tarball into a
// temporary fleet the way a user does, and drive the installed CLI there. Every step runs only from what the
// tarball holds, so a file missing from it (a template, the bundle, a runtime shim, the declarations) fails a step.

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
// No AWS here: nothing may reach an endpoint or profile of the machine running the suite.
const env = { ...process.env, NO_COLOR: '1', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: '', AWS_PROFILE: '' };
const timings: string[] = [];

async function run(what: string, cmd: string, args: string[], cwd: string) {
  const started = Date.now();
  try {
    const r = await exec(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e: any) {
    return { code: (e.code as number) ?? 1, stdout: String(e.stdout ?? ''), stderr: String(e.stderr ?? e.message) };
  } finally {
    timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

let tmp: string;
let fleet: string;
let packed: { filename: string; files: { path: string }[] };
let install: { code: number; stderr: string };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'ops-install-'));
  const pack = await run('npm pack', 'npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root);
  expect(pack.code, pack.stderr).toBe(0);
  packed = JSON.parse(pack.stdout)[0];
  fleet = path.join(tmp, 'fleet');
  await mkdir(fleet);
  // A package.json of its own, so npm installs here and not into a parent project (ops init then keeps it).
  await writeFile(path.join(fleet, 'package.json'), `${JSON.stringify({ name: 'fleet', private: true, type: 'module' })}\n`);
  const dev = pkg.devDependencies;
  const tools = [`typescript@${dev.typescript}`, `@types/aws-lambda@${dev['@types/aws-lambda']}`, `@types/node@${dev['@types/node']}`];
  // --prefer-offline: CI's cache is warm from `npm ci`, and the SDK clients the tarball depends on come from it.
  const args = ['install', path.join(tmp, packed.filename), ...tools, '--save-dev', '--no-audit', '--no-fund', '--prefer-offline'];
  install = await run('npm install', 'npm', args, fleet);
}, 240_000);

afterAll(async () => {
  process.stderr.write(`install test: ${timings.join(', ')}\n`);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const npx = (what: string, args: string[], cwd = fleet) => run(what, 'npx', ['--no-install', ...args], cwd);

describe('the npm tarball, installed into a fresh fleet', () => {
  it('ships the CLI, its bundle, templates and declarations, and nothing of the repo besides', () => {
    const files = packed.files.map((f) => f.path);
    for (const needed of [
      'bin/ops',
      'dist/cli.js',
      'dist/define.js',
      'dist/runtime/node-runtime.mjs',
      'dist/runtime/python-runtime.py',
      'templates/ops.config.ts',
      'templates/functions/typescript/handler.ts',
      'types/config/define.d.ts',
      'package.json',
      'README.md',
    ])
      expect(files, `${needed} (types/ is built by npm ci's prepare: npm run prepare)`).toContain(needed);
    const tops = [...new Set(files.map((f) => f.split('/')[0]))].sort();
    expect(tops).toEqual(['README.md', 'bin', 'dist', 'package.json', 'templates', 'types']);
    expect(install.code, install.stderr).toBe(0);
  });

  it('ops init, tsc --noEmit, ops package and ops invoke --local work from the installed package', async () => {
    expect(install.code, install.stderr).toBe(0);
    const init = await npx('ops init', ['ops', 'init']);
    expect(init.code, init.stderr).toBe(0);
    expect(await readFile(path.join(fleet, 'ops.config.ts'), 'utf8')).toContain("import { defineFleet } from 'opsfleet';");
    // The fleet's own package.json is kept; what it lacks is said (the tools are there, the params helper's clients not).
    expect(init.stderr).toContain('npm install --save-dev @aws-sdk/client-ssm@');
    expect(init.stderr).not.toContain('typescript@');

    // The config checks against the shipped declarations (not `any`): the same config with a wrong type must be an
    // error, or tsc reports the unused @ts-expect-error. One tsc run for both.
    await writeFile(
      path.join(fleet, 'src/wrong-config.ts'),
      "import { defineFleet } from 'opsfleet';\nimport config from '../ops.config.js';\n\n" +
        "// @ts-expect-error: memory is a number of MB\ndefineFleet({ ...config, defaults: { ...config.defaults, memory: 'lots' } });\n",
    );
    const tsc = await npx('tsc', ['tsc', '--noEmit']);
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);

    const built = await npx('ops package', ['ops', 'package', '--json']);
    expect(built.code, built.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(built.stdout))).toContain('hello.zip');

    const invoked = await npx('ops invoke --local', [
      'ops',
      'invoke',
      'hello',
      '--local',
      '--event',
      'src/functions/hello/events/http-api.json',
    ]);
    expect(invoked.code, invoked.stderr).toBe(0);
    expect(JSON.parse(JSON.parse(invoked.stdout).body)).toMatchObject({ message: expect.stringMatching(/^hello, /), route: 'GET /hello' });
  }, 120_000);

  it('ops init in a new directory writes a package.json pinning what was just installed, and the same tsconfig', async () => {
    expect(install.code, install.stderr).toBe(0);
    const init = await npx('ops init fresh', ['ops', 'init', 'fresh', '--json']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('npm install');
    const written = JSON.parse(await readFile(path.join(fleet, 'fresh/package.json'), 'utf8'));
    const installed = async (name: string) =>
      JSON.parse(await readFile(path.join(fleet, 'node_modules', name, 'package.json'), 'utf8')).version as string;
    expect(written).toMatchObject({ name: 'fresh', private: true, scripts: { deploy: 'ops deploy', plan: 'ops plan' } });
    for (const name of ['opsfleet', 'typescript', '@types/aws-lambda', '@types/node', '@aws-sdk/client-ssm'])
      expect(written.devDependencies[name], name).toBe(await installed(name));
    // The tsconfig tsc just checked the first fleet with.
    expect(await readFile(path.join(fleet, 'fresh/tsconfig.json'), 'utf8')).toBe(await readFile(path.join(fleet, 'tsconfig.json'), 'utf8'));
  });
});
