import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { buildFunction } from '../../../src/package/index.js';
import { pythonFunction } from './builders.js';
import { cleanupTmp, copyFixture, put, tmpDir, unzip, zipNames } from './helpers.js';

/** A path that is no Python at all: a build that reaches pip fails on it. */
const NO_PYTHON = '/nonexistent/python3';

/** Runs the handler from an extracted zip with the machine's python3. */
async function invoke(extracted: string, event: unknown): Promise<unknown> {
  const script = `import json, lambda_function; print(json.dumps(lambda_function.lambda_handler(json.loads(${JSON.stringify(JSON.stringify(event))}), None)))`;
  const { stdout } = await execa('python3', ['-B', '-c', script], { cwd: extracted });
  return JSON.parse(stdout);
}

/** Adds the clutter a real function directory has, which must stay out of the zip. */
async function addClutter(fnDir: string): Promise<void> {
  await put(path.join(fnDir, '__pycache__/lambda_function.cpython-312.pyc'), Buffer.from([0x55, 0x0d, 0x0d, 0x0a]));
  await put(path.join(fnDir, 'helpers/__pycache__/text.cpython-312.pyc'), Buffer.from([1]));
  await put(path.join(fnDir, 'helpers/stale.pyc'), Buffer.from([2]));
  await put(path.join(fnDir, '.venv/lib/site.py'), '');
  await put(path.join(fnDir, 'venv/bin/python'), '');
  await put(path.join(fnDir, 'node_modules/x/index.js'), '');
  await put(path.join(fnDir, '.DS_Store'), 'junk');
  await put(path.join(fnDir, '.env'), 'SECRET=1');
}

let root: string;
let fnDir: string;
beforeAll(async () => {
  root = await copyFixture('python-app');
  fnDir = path.join(root, 'src/functions/analyze');
  await addClutter(fnDir);
});
afterAll(cleanupTmp);

describe('buildFunction (Python)', () => {
  it('zips the function directory at the zip root, without bytecode, tests, events, venvs or dotfiles', async () => {
    const artifact = await buildFunction(pythonFunction(root), { root, force: true, python: NO_PYTHON });
    expect(await zipNames(artifact.zipPath)).toEqual(['helpers/__init__.py', 'helpers/text.py', 'lambda_function.py']);
    expect(artifact).toMatchObject({ key: 'analyze', runtime: 'python3.12', files: 3, cached: false });
    const out = await tmpDir('ops-py-src-');
    await unzip(artifact.zipPath, out);
    expect(await invoke(out, { name: 'ada' })).toEqual({ message: 'ADA!', greeting: null });
  });

  it('skips packages the runtime ships without running pip, and says so', async () => {
    await writeFile(path.join(fnDir, 'requirements.txt'), '# AWS SDK\nboto3==1.34.0\nBotocore\npython_dateutil>=2\n');
    const logs: string[] = [];
    const fn = pythonFunction(root, { handler: { requirements: path.join(fnDir, 'requirements.txt') } });
    const artifact = await buildFunction(fn, { root, force: true, python: NO_PYTHON, log: (m) => logs.push(m) });
    expect(logs[0]).toBe(
      'analyze: not packaging boto3==1.34.0, Botocore, python_dateutil>=2 from requirements.txt: the Lambda python3.12 runtime provides them (its own versions)',
    );
    expect(await zipNames(artifact.zipPath)).toEqual(['helpers/__init__.py', 'helpers/text.py', 'lambda_function.py', 'requirements.txt']);
  });

  it('installs a local package from requirements.txt offline, without platform flags, and zips it', async () => {
    await writeFile(path.join(fnDir, 'requirements.txt'), 'boto3\n../../../pkgs/hello_pkg\n');
    const fn = pythonFunction(root, { handler: { requirements: path.join(fnDir, 'requirements.txt') } });
    const logs: string[] = [];
    const artifact = await buildFunction(fn, { root, force: true, log: (m) => logs.push(m) });
    expect(logs.slice(0, 2)).toEqual([
      'analyze: not packaging boto3 from requirements.txt: the Lambda python3.12 runtime provides it (its own version)',
      'analyze: pip: 1 local package(s) built here, without platform targeting (pure Python only)',
    ]);
    const names = await zipNames(artifact.zipPath);
    expect(names).toEqual([
      'hello_pkg-0.1.0.dist-info/INSTALLER',
      'hello_pkg-0.1.0.dist-info/METADATA',
      'hello_pkg-0.1.0.dist-info/REQUESTED',
      'hello_pkg-0.1.0.dist-info/WHEEL',
      'hello_pkg/__init__.py',
      'helpers/__init__.py',
      'helpers/text.py',
      'lambda_function.py',
      'requirements.txt',
    ]);
    const out = await tmpDir('ops-py-deps-');
    await unzip(artifact.zipPath, out);
    expect(await invoke(out, { name: 'ada' })).toEqual({ message: 'ADA!', greeting: 'hello ada from hello_pkg' });

    // pip's output is made reproducible: no RECORD, no direct_url.json with the temp path.
    const again = await buildFunction(fn, { root, force: true });
    expect(again.sha256).toBe(artifact.sha256);
  });

  it('reuses the zip without pip while nothing changed, and rebuilds when the local package changes', async () => {
    const cacheRoot = await copyFixture('python-app');
    const dir = path.join(cacheRoot, 'src/functions/analyze');
    await writeFile(path.join(dir, 'requirements.txt'), '../../../pkgs/hello_pkg\n');
    const fn = pythonFunction(cacheRoot, { handler: { requirements: path.join(dir, 'requirements.txt') } });
    const cold = await buildFunction(fn, { root: cacheRoot });
    // A python that does not exist proves pip is not run.
    const warm = await buildFunction(fn, { root: cacheRoot, python: NO_PYTHON });
    expect(warm).toMatchObject({ cached: true, sha256: cold.sha256 });
    expect(warm.buildMs).toBeLessThan(cold.buildMs);

    const pkgInit = path.join(cacheRoot, 'pkgs/hello_pkg/hello_pkg/__init__.py');
    await writeFile(pkgInit, (await readFile(pkgInit, 'utf8')).replace('hello ', 'hey '));
    const changed = await buildFunction(fn, { root: cacheRoot });
    expect(changed.cached).toBe(false);
    expect(changed.sha256).not.toBe(cold.sha256);
  });

  it('rebuilds when a source file appears or goes, or the architecture changes; bytecode changes nothing', async () => {
    const cacheRoot = await copyFixture('python-app');
    const dir = path.join(cacheRoot, 'src/functions/analyze');
    const fn = pythonFunction(cacheRoot);
    const opts = { root: cacheRoot, python: NO_PYTHON };
    const first = await buildFunction(fn, opts);
    await put(path.join(dir, '__pycache__/x.cpython-312.pyc'), 'x');
    expect((await buildFunction(fn, opts)).cached).toBe(true);

    await put(path.join(dir, 'helpers/extra.py'), 'X = 1\n');
    expect((await buildFunction(fn, opts)).cached).toBe(false);
    await rm(path.join(dir, 'helpers/extra.py'));
    expect(await buildFunction(fn, opts)).toMatchObject({ cached: false, sha256: first.sha256 });

    expect((await buildFunction(pythonFunction(cacheRoot, { architecture: 'arm64' }), opts)).cached).toBe(false);
  });

  it('does not copy a local package kept inside the function directory as source', async () => {
    const inner = await copyFixture('python-app');
    const dir = path.join(inner, 'src/functions/analyze');
    await cp(path.join(inner, 'pkgs/hello_pkg'), path.join(dir, 'vendor/hello_pkg'), { recursive: true });
    await writeFile(path.join(dir, 'requirements.txt'), './vendor/hello_pkg\n');
    const fn = pythonFunction(inner, { handler: { requirements: path.join(dir, 'requirements.txt') } });
    const names = await zipNames((await buildFunction(fn, { root: inner })).zipPath);
    expect(names).toContain('hello_pkg/__init__.py');
    expect(names.filter((n) => n.startsWith('vendor/'))).toEqual([]);
  });
});

describe('build errors (Python)', () => {
  it('reports a pip failure with its output and a hint about the index', async () => {
    vi.stubEnv('PIP_NO_INDEX', '1'); // no network: fail fast
    try {
      await writeFile(path.join(fnDir, 'requirements.txt'), 'surely-not-a-real-package-ops==1.0\n');
      const fn = pythonFunction(root, { handler: { requirements: path.join(fnDir, 'requirements.txt') } });
      const err = await buildFunction(fn, { root, force: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toMatch(/^analyze: pip install failed \(exit 1\)\n.*surely-not-a-real-package-ops/s);
      expect((err as UserError).hint).toMatch(/manylinux_2_28_x86_64 wheels for CPython 3\.12/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('says so when python3 is missing but packages must be installed', async () => {
    await writeFile(path.join(fnDir, 'requirements.txt'), '../../../pkgs/hello_pkg\n');
    const fn = pythonFunction(root, { handler: { requirements: path.join(fnDir, 'requirements.txt') } });
    const err = await buildFunction(fn, { root, force: true, python: NO_PYTHON }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`analyze: ${NO_PYTHON} was not found, and requirements.txt lists packages to install`);
  });

  it('refuses a handler whose module would not be at the zip root', async () => {
    const fn = pythonFunction(root, { handler: { lambdaHandler: 'app.lambda_handler' } });
    await expect(buildFunction(fn, { root, force: true, python: NO_PYTHON })).rejects.toThrow(
      /analyze: the handler app\.lambda_handler needs app\.py at the zip root/,
    );
  });
});

describe('buildFunction (Python): syntax checked before the zip is made', () => {
  /** `python3.11` for the machine's python3: the runtime a check by the local interpreter is exact for. */
  const localRuntime = async () => {
    const { stdout } = await execa('python3', ['-c', 'import sys; print("python%d.%d" % sys.version_info[:2])']);
    return stdout.trim();
  };

  it('stops on a syntax error in any of the function’s own modules, naming the file and line, before any zip', async () => {
    const root = await copyFixture('python-app');
    const dir = path.join(root, 'src/functions/analyze');
    await writeFile(path.join(dir, 'helpers/text.py'), 'def shout(s):\n    return s.upper(\n');
    const fn = pythonFunction(root, { runtime: (await localRuntime()) as never });
    const error = await buildFunction(fn, { root, force: true }).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(
      /^analyze: src\/functions\/analyze\/helpers\/text\.py:2: SyntaxError: .+ was never closed: Lambda would fail every invoke with Runtime\.UserCodeSyntaxError$/,
    );
    expect(error.hint).toContain('py_compile src/functions/analyze/helpers/text.py');
    await expect(readFile(path.join(root, '.ops/build/analyze/analyze.zip'))).rejects.toThrow(/ENOENT/);
    // Fixed, it builds.
    await writeFile(path.join(dir, 'helpers/text.py'), 'def shout(s):\n    return s.upper()\n');
    expect((await buildFunction(fn, { root, force: true })).files).toBe(3);
  });

  it('an interpreter older than the runtime only says what it cannot parse (it may be newer syntax); none at all says nothing', async () => {
    const root = await copyFixture('python-app');
    await writeFile(
      path.join(root, 'src/functions/analyze/helpers/text.py'),
      'type Text = str\ndef shout(s: Text):\n    return s.upper(\n',
    );
    // No `python3.99` anywhere: the check falls back to python3, older than that runtime.
    const fn = pythonFunction(root, { runtime: 'python3.99' as never });
    const notices: string[] = [];
    const built = await buildFunction(fn, { root, force: true, notice: (m) => notices.push(m) });
    expect(built.files).toBe(3);
    expect(notices).toEqual([
      expect.stringMatching(
        /^analyze: src\/functions\/analyze\/helpers\/text\.py:\d: .+ for Python 3\.\d+ here, older than python3\.99 \(newer syntax\?\): not stopping the build$/,
      ),
    ]);
    const logs: string[] = [];
    await buildFunction(fn, { root, force: true, python: NO_PYTHON, log: (m) => logs.push(m), notice: (m) => notices.push(m) });
    expect(logs).toContain(`analyze: Python syntax not checked before the upload: ${NO_PYTHON} was not found`);
    expect(notices).toHaveLength(1);
  });
});
