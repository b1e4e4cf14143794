import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/ops');

/** Spawns the built CLI (npm test builds dist/ first). */
async function ops(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}) {
  try {
    const r = await exec(process.execPath, [...(opts.nodeArgs ?? []), bin, ...args], {
      cwd: opts.cwd ?? root,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e: any) {
    return { code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string };
  }
}

/** The files a dist/ bundle was built from, from its linked source map. */
async function sourcesOf(file: string): Promise<string[]> {
  return (JSON.parse(await readFile(`${file}.map`, 'utf8')) as { sources: string[] }).sources;
}

/** The files every dist/ chunk was built from. */
async function chunkSources(): Promise<string[]> {
  const chunks = (await readdir(path.join(root, 'dist/chunks'))).filter((f) => f.endsWith('.js'));
  return (await Promise.all(chunks.map((f) => sourcesOf(path.join(root, 'dist/chunks', f))))).flat();
}

describe('bin/ops as a process', () => {
  it('prints help and version', async () => {
    const help = await ops(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: ops');
    for (const cmd of ['config']) expect(help.stdout).toContain(cmd);
    const version = await ops(['--version']);
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('--help loads no AWS SDK, ora, inquirer, execa, esbuild or zod', async () => {
    const trace = path.join(await mkdtemp(path.join(tmpdir(), 'ops-trace-')), 'imports.txt');
    const r = await ops(['--help'], {
      nodeArgs: ['--import', path.join(root, 'test/support/trace-imports.mjs')],
      env: { OPS_TRACE_IMPORTS_FILE: trace },
    });
    expect(r.code).toBe(0);
    const loaded = (await readFile(trace, 'utf8')).split('\n').filter((u) => u.startsWith('file://'));
    expect(loaded.some((u) => u.endsWith('dist/cli.js'))).toBe(true); // the trace works
    expect(
      loaded.filter((u) => u.includes('/node_modules/')),
      'nothing is loaded from node_modules',
    ).toEqual([]);
    // Dependencies are bundled into dist/ chunks, so look at what each loaded file was built from
    // (its source map), not just at its name.
    const heavy = ['@aws-sdk', 'ora', '@inquirer', 'execa', 'zod', 'archiver'];
    const { fileURLToPath } = await import('node:url');
    for (const url of loaded.filter((u) => u.includes('/dist/'))) {
      const sources = await sourcesOf(fileURLToPath(url));
      for (const pkg of heavy)
        expect(
          sources.some((s) => s.includes(`node_modules/${pkg}/`)),
          `${pkg} in ${url}`,
        ).toBe(false);
    }
    // ...and the check can fail: the heavy packages are in dist/, just not loaded.
    const all = await chunkSources();
    for (const pkg of ['zod', 'execa', 'archiver'])
      expect(
        all.some((s) => s.includes(`node_modules/${pkg}/`)),
        pkg,
      ).toBe(true);
  });

  it('dist/ holds only the SDK commands src/aws/sdk imports', async () => {
    // A client package imported whole (its aggregated class, or a dynamic import of the package) brings back
    // every command and schema of the service: all 140-odd of SSM's, 208 KB.
    // Commands the bare clients send themselves: DynamoDB's endpoint discovery, S3 Express's sessions.
    const listed: Record<string, string[]> = { 'client-dynamodb': ['DescribeEndpointsCommand'], 'client-s3': ['CreateSessionCommand'] };
    for (const file of (await readdir(path.join(root, 'src/aws/sdk'))).filter((f) => f !== 'aggregate.ts')) {
      const text = await readFile(path.join(root, 'src/aws/sdk', file), 'utf8');
      // Each module takes its commands from the package's namespace (`sdk.GetRoleCommand`) or re-exports them.
      const pkg = /from '@aws-sdk\/(client-[\w-]+)'/.exec(text)?.[1];
      if (!pkg) continue;
      const named = [...text.matchAll(/\bsdk\.(\w+Command)\b/g)].map((m) => m[1]);
      const reexported = [...text.matchAll(/export \{([^}]*)\} from '@aws-sdk/g)].flatMap((m) => m[1].match(/\b\w+Command\b/g) ?? []);
      listed[pkg] = [...new Set([...(listed[pkg] ?? []), ...named, ...reexported])].sort();
    }
    const bundled: Record<string, string[]> = {};
    for (const source of new Set(await chunkSources())) {
      const [, pkg, command] = /@aws-sdk\/(client-[\w-]+)\/dist-es\/commands\/(\w+Command)\.js$/.exec(source) ?? [];
      if (pkg) bundled[pkg] = [...(bundled[pkg] ?? []), command].sort();
    }
    expect(listed['client-ssm'], 'the modules are read').toContain('GetParametersCommand');
    expect(bundled).toEqual(listed);
  });

  it('unknown commands and options: one line, exit 2, no stack', async () => {
    for (const args of [['deplyo'], ['config', '--bogus']]) {
      const r = await ops(args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^ops: (unknown command|unknown option)/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('ops plan, whose exit 2 means changes, exits 1 on bad input (an unknown function or option)', async () => {
    for (const args of [
      ['plan', 'nosuch'],
      ['plan', '--bogus'],
      ['--stage', 'dev', 'plan', '--json', 'nosuch'],
    ]) {
      const r = await ops(args, { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' } });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/no function 'nosuch'|unknown option '--bogus'/);
    }
    // Elsewhere bad usage stays exit 2 (a function named plan is not the plan command).
    expect((await ops(['deploy', 'plan', '--bogus'])).code).toBe(2);
  });

  it('a missing config is a one-line error with a hint, exit 1', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ops-empty-'));
    const r = await ops(['config'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no ops.config.ts in .*\n {2}hint: run 'ops init'/);
  });
});

describe('config errors as a user sees them', () => {
  it('a config with five mistakes prints five errors with their paths, exit 1, no stack', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ops-bad-'));
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'src/api'), { recursive: true });
    await writeFile(path.join(dir, 'src/api/handler.ts'), 'export const handler = async () => ({ ok: true });\n');
    await writeFile(
      path.join(dir, 'ops.config.ts'),
      `import { defineFleet } from 'ops';
export default defineFleet({
  app: 'Shop',                                  // 1: uppercase
  functions: {
    api: {
      handler: 'src/api/handler.ts',
      memory: 100000,                           // 2: out of range
      routes: ['GET tasks'],                    // 3: path must start with /
      invokes: ['worker'],                      // 4: no such function
    },
    other: { handler: 'src/other/handler.ts' }, // 5: file missing
  },
} as any);
`,
    );
    const r = await ops(['config'], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('error: ops.config.ts: 5 problems in the fleet config');
    const problems = lines.filter((l) => /^ {2}\S+: /.test(l) && !l.includes('hint:'));
    expect(problems.map((l) => l.trim().split(':')[0])).toEqual([
      'app',
      'functions.api.invokes.0',
      'functions.api.memory',
      'functions.api.routes.0',
      'functions.other.handler',
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a config checked once is not checked again (zod is not loaded) until it or a file it names changes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ops-checked-'));
    const { mkdir, rename, writeFile } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'src/api'), { recursive: true });
    const handler = path.join(dir, 'src/api/handler.ts');
    await writeFile(handler, 'export const handler = async () => ({ ok: true });\n');
    const config = (memory: number) =>
      writeFile(
        path.join(dir, 'ops.config.ts'),
        `export default { app: 'shop', functions: { api: { handler: 'src/api/handler.ts', memory: ${memory}, routes: ['GET /a'] } } };\n`,
      );
    await config(256);
    const first = await ops(['config', '--json'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);

    const trace = path.join(await mkdtemp(path.join(tmpdir(), 'ops-trace-')), 'imports.txt');
    const again = await ops(['config', '--json'], {
      cwd: dir,
      nodeArgs: ['--import', path.join(root, 'test/support/trace-imports.mjs')],
      env: { OPS_TRACE_IMPORTS_FILE: trace },
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    const { fileURLToPath } = await import('node:url');
    const loaded = (await readFile(trace, 'utf8')).split('\n').filter((u) => u.startsWith('file://') && u.includes('/dist/'));
    expect(loaded.length).toBeGreaterThan(1);
    const sources = (await Promise.all(loaded.map((u) => sourcesOf(fileURLToPath(u))))).flat();
    expect(sources.some((s) => s.includes('src/config/load.ts'))).toBe(true);
    expect(sources.filter((s) => s.includes('node_modules/zod/'))).toEqual([]);

    // A file it names is gone: checked again, and reported.
    await rename(handler, `${handler}.away`);
    const missing = await ops(['config'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/functions\.api\.handler: /);
    await rename(`${handler}.away`, handler);
    // The config changed: checked again, and reported.
    await config(100000);
    const invalid = await ops(['config'], { cwd: dir });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/functions\.api\.memory: /);
    await config(256);
    expect((await ops(['config', '--json'], { cwd: dir })).stdout).toBe(first.stdout);
  });
});

describe('a new user in an empty directory', () => {
  it.each(['nodejs22.x', 'python3.12'])('ops init (%s), then package and invoke --local, works', async (runtime) => {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'ops-new-')), 'shop');
    const init = await ops(['init', dir, '--runtime', runtime]);
    expect(init.code, init.stderr).toBe(0);
    const pkg = await ops(['package', '--json'], { cwd: dir });
    expect(pkg.code, pkg.stderr).toBe(0);
    const [artifact] = JSON.parse(pkg.stdout);
    expect(artifact).toMatchObject({ key: 'hello', runtime });
    expect(artifact.sha256).toMatch(/^[0-9a-f]{64}$/);
    const inv = await ops(['invoke', 'hello', '--local', '--event', 'http-api'], { cwd: dir });
    expect(inv.code, inv.stderr).toBe(0);
    const result = JSON.parse(inv.stdout);
    expect(result.statusCode).toBe(200);
    expect(typeof result.body).toBe('string');
  });
});

describe('handler failures', () => {
  it('a throwing handler (node and python) and a timeout exit 1 with the error type and message', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ops-throw-'));
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'src/boom'), { recursive: true });
    await mkdir(path.join(dir, 'src/pyboom'), { recursive: true });
    await mkdir(path.join(dir, 'src/slow'), { recursive: true });
    await writeFile(
      path.join(dir, 'src/boom/handler.ts'),
      "class OrderError extends Error { name = 'OrderError'; }\nexport const handler = async () => { console.log('about to fail'); throw new OrderError('order 42 is broken'); };\n",
    );
    await writeFile(path.join(dir, 'src/pyboom/main.py'), 'def handler(event, context):\n    raise ValueError("bad quantity: -1")\n');
    await writeFile(path.join(dir, 'src/slow/handler.ts'), 'export const handler = () => new Promise((r) => setTimeout(r, 5000));\n');
    await writeFile(
      path.join(dir, 'ops.config.ts'),
      `export default { app: 'boom', functions: {
        boom: { handler: 'src/boom/handler.ts' },
        pyboom: { handler: 'src/pyboom/main.handler' },
        slow: { handler: 'src/slow/handler.ts', timeout: 1 },
      } };\n`,
    );
    const node = await ops(['invoke', 'boom', '--local'], { cwd: dir });
    expect(node.code).toBe(1);
    expect(node.stderr).toContain('about to fail');
    expect(node.stderr).toContain('function error: OrderError: order 42 is broken');
    expect(JSON.parse(node.stdout)).toMatchObject({ errorType: 'OrderError', errorMessage: 'order 42 is broken' });

    const py = await ops(['invoke', 'pyboom', '--local'], { cwd: dir });
    expect(py.code).toBe(1);
    expect(py.stderr).toContain('function error: ValueError: bad quantity: -1');

    const slow = await ops(['invoke', 'slow', '--local'], { cwd: dir });
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain('Task timed out after 1.00 seconds');
  });
});

describe('packaging the repo fleet', () => {
  it('gives identical sha256 twice and in another time zone', async () => {
    const shas = async (args: string[], env?: NodeJS.ProcessEnv) => {
      const r = await ops(['package', '--json', ...args], { env });
      expect(r.code, r.stderr).toBe(0);
      return Object.fromEntries(JSON.parse(r.stdout).map((a: { key: string; sha256: string }) => [a.key, a.sha256]));
    };
    const first = await shas(['--force']);
    const second = await shas([]);
    const tokyo = await shas(['--force'], { TZ: 'Asia/Tokyo' });
    expect(Object.keys(first)).toHaveLength(5);
    expect(second).toEqual(first);
    expect(tokyo).toEqual(first);
  });
});

describe('an endpoint that is not there', () => {
  // Every read of the stage fails at once; each failure must be observed, so the process ends on one
  // clean error and never on an unhandled rejection (a crash with the minified chunk printed).
  it.each([['status'], ['plan'], ['logs', 'tail']])(
    'ops %s: one error and its hint, exit 1, no stack',
    async (...cmd) => {
      const env = { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_REGION: 'us-east-1', AWS_PROFILE: '', CI: 'true' };
      for (let i = 0; i < 3; i++) {
        const r = await ops([...cmd, '--endpoint-url', 'http://127.0.0.1:9'], { env });
        expect(r.code, r.stderr).toBe(1);
        // The build beside the read may say, the first time, which requirement the runtime provides: not part of the error.
        const said = r.stderr.replace(/^[\w-]+: not packaging .*\n/gm, '');
        expect(said).toBe(
          'error: cannot reach http://127.0.0.1:9 (ECONNREFUSED)\n  hint: is the endpoint running? pass --endpoint-url (or set AWS_ENDPOINT_URL) to use another one\n',
        );
      }
    },
    60_000,
  );
});
